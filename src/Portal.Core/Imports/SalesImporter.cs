using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sales;

namespace Portal.Core.Imports;

/// <summary>
/// Imports sold items from a manifest CSV: checks every row, embeds each photo, writes store, lake and index. A row names its
/// photo in <c>image</c>, or several in <c>images</c> (paths separated by <c>|</c>, up to five with <c>image</c>'s, which comes
/// first): each is checked (inside the images folder, a real image) and embedded, the first is the sale's photo and the
/// others its further photos.
/// Bad rows are reported with their line number and reason and the good ones kept; sale ids derive from the row's
/// content, so a re-run adds nothing. Rows sold longer ago than the store's retention are counted and named, and skipped
/// unless the request says <see cref="ImportRequest.IgnoreRetention"/>: the store would hide them from every read.
/// </summary>
public sealed class SalesImporter(
    IImageInspector inspector,
    IImageStore images,
    IEmbeddingGenerator<DataContent, Embedding<float>> embedder,
    ISalesStore store,
    SalesWriter writer,
    IOptions<PriceLimits> priceLimits,
    TimeProvider time)
{
    private const int BatchSize = 200;
    private static readonly string[] Required = ["category", "price"];
    private static readonly string[] PhotoColumns = ["image", "images"];

    public async Task<ImportReport> ImportAsync(ImportRequest request, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        if (!TenantId.TryParse(request.Tenant, out var tenant))
        {
            throw new ArgumentException($"Tenant id '{request.Tenant}' is invalid: use 1-64 lower-case letters, digits or dashes.");
        }

        if (!File.Exists(request.ManifestPath))
        {
            throw new FileNotFoundException($"Manifest '{request.ManifestPath}' does not exist.", request.ManifestPath);
        }

        var imagesRoot = Path.GetFullPath(request.ImagesRoot ?? Path.GetDirectoryName(Path.GetFullPath(request.ManifestPath))!);
        var records = ReadManifest(request.ManifestPath, out var columns);
        var missing = Required.Where(r => !columns.ContainsKey(r)).ToArray();
        if (!PhotoColumns.Any(columns.ContainsKey))
        {
            missing = ["image (or images)", .. missing];
        }

        if (missing.Length > 0)
        {
            throw new InvalidDataException($"The manifest has no column {string.Join(", ", missing)}; required: image or images, {string.Join(", ", Required)}.");
        }

        var modelId = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";
        var now = time.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        // The store's own retention, so the cut is the one its reads apply (sold_at + retention > now).
        var retention = store.RetentionPeriod;
        var soldBefore = now - retention;
        var pastRetention = new List<int>();
        var rejected = new List<RejectedRow>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var captured = new Dictionary<string, string>(StringComparer.Ordinal);
        var capture = request.CaptureColumn?.Trim().ToLowerInvariant();
        var batch = new List<SaleWithPhotos>(BatchSize);
        int imported = 0, present = 0, processed = 0;
        var dated = true;

        foreach (var (line, fields) in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            processed++;
            var row = new Row(fields, columns);
            var parsed = Parse(row, request, tenant, today, priceLimits.Value, out var reason);
            if (parsed is null)
            {
                rejected.Add(new RejectedRow(line, reason!));
            }
            else if (seen.TryGetValue(parsed.Value.Sale.SaleId, out var firstLine))
            {
                rejected.Add(new RejectedRow(line, $"Duplicate of line {firstLine}."));
            }
            else if (parsed.Value.Sale.SoldAt <= soldBefore && !request.IgnoreRetention)
            {
                seen[parsed.Value.Sale.SaleId] = line;
                pastRetention.Add(line);
            }
            else
            {
                seen[parsed.Value.Sale.SaleId] = line;
                if (capture is not null && row.Get(capture) is { } value)
                {
                    captured[parsed.Value.Sale.SaleId] = value;
                }

                dated &= parsed.Value.Dated;
                if (parsed.Value.Sale.SoldAt <= soldBefore)
                {
                    pastRetention.Add(line);
                }

                if (await store.ContainsSaleAsync(tenant, parsed.Value.Sale.SaleId, cancellationToken))
                {
                    present++;
                }
                else
                {
                    var (sale, error) = await PrepareImagesAsync(parsed.Value.Sale, parsed.Value.Photos, imagesRoot, modelId, cancellationToken);
                    if (sale is null)
                    {
                        rejected.Add(new RejectedRow(line, error!));
                    }
                    else
                    {
                        batch.Add(sale);
                    }
                }
            }

            if (batch.Count >= BatchSize)
            {
                imported += await writer.WriteAsync(batch, cancellationToken);
                batch.Clear();
            }

            progress?.Report(new ImportProgress(processed, records.Count, imported + batch.Count, rejected.Count, pastRetention.Count));
        }

        if (batch.Count > 0)
        {
            imported += await writer.WriteAsync(batch, cancellationToken);
        }

        progress?.Report(new ImportProgress(processed, records.Count, imported, rejected.Count, pastRetention.Count));
        return new ImportReport(records.Count, imported, present, rejected, dated)
        {
            PastRetention = new PastRetentionRows(pastRetention.Count, pastRetention, soldBefore, retention, request.IgnoreRetention),
            Captured = captured,
        };
    }

    /// <summary>The latest parseable <c>date</c> of a manifest, or null when it has none.</summary>
    public static DateTimeOffset? LastDate(string manifestPath)
    {
        var records = ReadManifest(manifestPath, out var columns);
        DateTimeOffset? last = null;
        foreach (var (_, fields) in records)
        {
            if (new Row(fields, columns).Get("date") is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
                && (last is null || date > last))
            {
                last = date;
            }
        }

        return last;
    }

    private static List<(int Line, IReadOnlyList<string> Fields)> ReadManifest(string path, out Dictionary<string, int> columns)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var records = CsvReader.Read(reader).ToList();
        if (records.Count == 0)
        {
            throw new InvalidDataException($"The manifest '{path}' is empty.");
        }

        columns = records[0].Fields
            .Select((name, i) => (Name: name.Trim().ToLowerInvariant(), i))
            .GroupBy(c => c.Name)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        return records.Skip(1).ToList();
    }

    private readonly record struct Row(IReadOnlyList<string> Fields, Dictionary<string, int> Columns)
    {
        public string? Get(string column) =>
            Columns.TryGetValue(column, out var i) && i < Fields.Count && !string.IsNullOrWhiteSpace(Fields[i]) ? Fields[i].Trim() : null;
    }

    private static (SaleRecord Sale, IReadOnlyList<string> Photos, bool Dated)? Parse(Row row, ImportRequest request, TenantId tenant, DateTimeOffset today, PriceLimits limits, out string? reason)
    {
        reason = null;
        var photos = Photos(row);
        var image = photos.Count == 0 ? null : string.Join('|', photos);
        var category = row.Get("category");
        var priceText = row.Get("price");
        if (image is null || category is null || priceText is null)
        {
            reason = $"Missing {string.Join(", ", new[] { ("image", image), ("category", category), ("price", priceText) }.Where(p => p.Item2 is null).Select(p => p.Item1))}.";
            return null;
        }

        if (photos.Count > SaleWithPhotos.MaxPhotos)
        {
            reason = $"{photos.Count} photos; at most {SaleWithPhotos.MaxPhotos} per sale.";
            return null;
        }

        if (!decimal.TryParse(priceText, NumberStyles.Number, CultureInfo.InvariantCulture, out var price))
        {
            reason = $"Price '{priceText}' is not a number.";
            return null;
        }

        ItemCondition? condition = null;
        if (row.Get("condition") is { } conditionText)
        {
            if (!ItemConditions.TryParse(conditionText, out var parsed))
            {
                reason = $"Unknown condition '{conditionText}'; use one of {ItemConditions.WireNames}.";
                return null;
            }

            condition = parsed;
        }

        var currency = (row.Get("currency") ?? request.DefaultCurrency).ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            reason = $"Currency '{currency}' is not a three-letter ISO code.";
            return null;
        }

        // After the currency: the limit is the currency's own.
        if (limits.Check(price, currency) is { } outside)
        {
            reason = outside;
            return null;
        }

        var soldAt = today;
        var dated = false;
        if (row.Get("date") is { } dateText)
        {
            if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out soldAt))
            {
                reason = $"Date '{dateText}' is not a date.";
                return null;
            }

            if (soldAt > today.AddDays(1))
            {
                reason = $"Date {soldAt:yyyy-MM-dd} is in the future.";
                return null;
            }

            dated = true;
        }

        if (category.Length > 100 || (row.Get("brand")?.Length ?? 0) > 100 || (row.Get("title")?.Length ?? 0) > 300)
        {
            reason = "Category or brand over 100 characters, or title over 300.";
            return null;
        }

        var saleId = "imp-" + Hash($"{tenant}|{image}|{category}|{row.Get("brand")}|{condition}|{price.ToString(CultureInfo.InvariantCulture)}|{currency}|{row.Get("date")}|{row.Get("title")}");
        return (new SaleRecord
        {
            Tenant = tenant,
            ProductId = saleId,
            SaleId = saleId,
            Category = category,
            Brand = row.Get("brand"),
            Condition = condition,
            Title = row.Get("title"),
            SoldPrice = price,
            Currency = currency,
            SoldAt = soldAt,
            Source = request.Source,
        }, photos, dated);
    }

    /// <summary>
    /// The row's photo paths: <c>image</c>, then each of <c>images</c> (split on <c>|</c>, blanks and repeats left out). A row
    /// with one photo hashes to the same sale id as before the <c>images</c> column existed.
    /// </summary>
    private static List<string> Photos(Row row)
    {
        var photos = new List<string>();
        if (row.Get("image") is { } image)
        {
            photos.Add(image);
        }

        foreach (var path in (row.Get("images") ?? string.Empty).Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!photos.Contains(path, StringComparer.Ordinal))
            {
                photos.Add(path);
            }
        }

        return photos;
    }

    /// <summary>Checks and embeds every photo of the row, in order; the first is stored in the image store and named by the sale.</summary>
    private async Task<(SaleWithPhotos? Sale, string? Error)> PrepareImagesAsync(
        SaleRecord sale, IReadOnlyList<string> relativePaths, string imagesRoot, string modelId, CancellationToken cancellationToken)
    {
        var embeddings = new List<StoredEmbedding>(relativePaths.Count);
        string? key = null;
        foreach (var relativePath in relativePaths)
        {
            if (!TryResolveUnder(imagesRoot, relativePath, out var fullPath))
            {
                return (null, $"Image path '{relativePath}' is not a relative path inside the images folder.");
            }

            if (!File.Exists(fullPath))
            {
                return (null, $"Image '{relativePath}' does not exist.");
            }

            var bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken);
            var inspection = inspector.Inspect(bytes);
            if (!inspection.IsValid)
            {
                return (null, $"Image '{relativePath}': {inspection.Reason}");
            }

            try
            {
                var vector = await embedder.GenerateVectorAsync(new DataContent(bytes, inspection.Image!.ContentType), cancellationToken: cancellationToken);
                embeddings.Add(new StoredEmbedding(modelId, vector.ToArray()));
                key ??= await images.SaveAsync(sale.Tenant.Value, bytes, inspection.Image.ContentType, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                return (null, $"Image '{relativePath}' cannot be decoded: {ex.Message}");
            }
        }

        return (new SaleWithPhotos(sale with { ImageKey = key }, embeddings[0]) { MorePhotos = [.. embeddings.Skip(1)] }, null);
    }

    internal static bool TryResolveUnder(string root, string relative, out string fullPath)
    {
        fullPath = string.Empty;
        if (Path.IsPathRooted(relative) || relative.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = Path.GetFullPath(Path.Combine(root, relative));
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!candidate.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            return false;
        }

        fullPath = candidate;
        return true;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..20];
}
