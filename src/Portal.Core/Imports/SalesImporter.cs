using System.Globalization;
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
        var manifest = OpenManifest(request);
        // The store's own retention, so the cut is the one its reads apply (sold_at + retention > now).
        var run = new ImportRun(request, manifest, time.GetUtcNow(), store.RetentionPeriod,
            embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown");
        foreach (var (line, fields) in manifest.Records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.Processed++;
            await TakeRowAsync(run, line, new ManifestRow(fields, manifest.Columns), cancellationToken);
            if (run.Batch.Count >= BatchSize)
            {
                await WriteBatchAsync(run, cancellationToken);
            }

            progress?.Report(run.Progress(run.Imported + run.Batch.Count));
        }

        if (run.Batch.Count > 0)
        {
            await WriteBatchAsync(run, cancellationToken);
        }

        progress?.Report(run.Progress(run.Imported));
        return run.Report();
    }

    /// <summary>The latest parseable <c>date</c> of a manifest, or null when it has none.</summary>
    public static DateTimeOffset? LastDate(string manifestPath)
    {
        var records = ReadManifest(manifestPath, out var columns);
        DateTimeOffset? last = null;
        foreach (var (_, fields) in records)
        {
            if (new ManifestRow(fields, columns).Get("date") is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
                && (last is null || date > last))
            {
                last = date;
            }
        }

        return last;
    }

    /// <summary>The request's tenant, images folder and manifest rows; throws when the tenant, the file or a required column is wrong.</summary>
    private static Manifest OpenManifest(ImportRequest request)
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

        return new Manifest(tenant, imagesRoot, records, columns);
    }

    /// <summary>
    /// One row: rejected (bad, a repeat, a photo that fails), skipped past the retention, counted as already present, or
    /// prepared (photos checked and embedded) into the batch.
    /// </summary>
    private async Task TakeRowAsync(ImportRun run, int line, ManifestRow row, CancellationToken cancellationToken)
    {
        var parsed = ManifestRowParser.Parse(row, run.Request, run.Manifest.Tenant, run.Today, priceLimits.Value, out var reason);
        if (parsed is null)
        {
            run.Rejected.Add(new RejectedRow(line, reason!));
            return;
        }

        var (sale, photos, dated) = parsed.Value;

        if (run.Seen.TryGetValue(sale.SaleId, out var firstLine))
        {
            run.Rejected.Add(new RejectedRow(line, $"Duplicate of line {firstLine}."));
            return;
        }

        run.Seen[sale.SaleId] = line;
        var pastRetention = sale.SoldAt <= run.SoldBefore;
        if (pastRetention)
        {
            run.PastRetention.Add(line);
        }

        if (pastRetention && !run.Request.IgnoreRetention)
        {
            return;
        }

        if (run.Capture is not null && row.Get(run.Capture) is { } value)
        {
            run.Captured[sale.SaleId] = value;
        }

        run.Dated &= dated;
        if (await store.ContainsSaleAsync(run.Manifest.Tenant, sale.SaleId, cancellationToken))
        {
            run.Present++;
            return;
        }

        var (prepared, error) = await PrepareImagesAsync(sale, photos, run.Manifest.ImagesRoot, run.ModelId, cancellationToken);
        if (prepared is null)
        {
            run.Rejected.Add(new RejectedRow(line, error!));
        }
        else
        {
            run.Batch.Add(prepared);
        }
    }

    private async Task WriteBatchAsync(ImportRun run, CancellationToken cancellationToken)
    {
        run.Imported += await writer.WriteAsync(run.Batch, cancellationToken);
        run.Batch.Clear();
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

    private sealed record Manifest(TenantId Tenant, string ImagesRoot, List<(int Line, IReadOnlyList<string> Fields)> Records, Dictionary<string, int> Columns);

    /// <summary>One import's running state: the counts, the rejected and past-retention lines, the batch being filled.</summary>
    private sealed class ImportRun(ImportRequest request, Manifest manifest, DateTimeOffset now, TimeSpan retention, string modelId)
    {
        public ImportRequest Request { get; } = request;
        public Manifest Manifest { get; } = manifest;
        public string ModelId { get; } = modelId;
        public TimeSpan Retention { get; } = retention;
        public DateTimeOffset Today { get; } = new(now.UtcDateTime.Date, TimeSpan.Zero);
        public DateTimeOffset SoldBefore { get; } = now - retention;
        public string? Capture { get; } = request.CaptureColumn?.Trim().ToLowerInvariant();
        public List<int> PastRetention { get; } = [];
        public List<RejectedRow> Rejected { get; } = [];
        public Dictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Captured { get; } = new(StringComparer.Ordinal);
        public List<SaleWithPhotos> Batch { get; } = new(BatchSize);
        public int Imported { get; set; }
        public int Present { get; set; }
        public int Processed { get; set; }
        public bool Dated { get; set; } = true;

        public ImportProgress Progress(int imported) => new(Processed, Manifest.Records.Count, imported, Rejected.Count, PastRetention.Count);

        public ImportReport Report() => new(Manifest.Records.Count, Imported, Present, Rejected, Dated)
        {
            PastRetention = new PastRetentionRows(PastRetention.Count, PastRetention, SoldBefore, Retention, Request.IgnoreRetention),
            Captured = Captured,
        };
    }
}
