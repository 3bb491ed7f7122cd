using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Imports;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// Takes a batch upload: checks it against <see cref="BatchOptions"/> (what breaks the whole upload answers 400 or 413 and
/// stores nothing), checks each row (a bad row is stored as invalid with its reason and line, the rest goes on), keeps
/// each good row's photo in the image store, stores the batch and wakes the pricing worker.
/// </summary>
public sealed class BatchSubmitter(
    IPricingBatchStore store,
    IImageStore images,
    IImageInspector inspector,
    ISalesIndex index,
    BatchQueue queue,
    IOptions<BatchOptions> options,
    TimeProvider time)
{
    private static readonly string[] RequiredColumns = ["image", "category", "condition"];

    public async Task<BatchSubmitOutcome> SubmitAsync(BatchUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentException.ThrowIfNullOrWhiteSpace(upload.UserName);
        var (name, rows, refused) = upload switch
        {
            BatchUpload.CsvWithZip csv => await ReadCsvWithZipAsync(upload.Tenant, csv, cancellationToken),
            BatchUpload.Photos photos => await ReadPhotosAsync(upload.Tenant, photos, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(upload)),
        };
        if (refused is not null)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var batch = new PricingBatch
        {
            BatchId = Guid.CreateVersion7(now).ToString("N"),
            Tenant = upload.Tenant,
            CreatedBy = upload.UserName,
            CreatedAt = now,
            Name = name,
            Status = BatchStatus.Queued,
            TotalRows = rows.Count,
        };
        await store.CreateAsync(batch, rows, cancellationToken);
        queue.Notify();
        var problems = rows.Where(r => r.Status == BatchRowStatus.Invalid).Select(r => new BatchRowProblem(r.Line, r.ImageName, r.Error!)).ToArray();
        return new BatchSubmitOutcome.Accepted(batch, BatchCounts.Of(rows), problems);
    }

    private async Task<(string Name, List<BatchRow> Rows, BatchSubmitOutcome? Refused)> ReadCsvWithZipAsync(
        TenantId tenant, BatchUpload.CsvWithZip upload, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (upload.Csv.Length > limits.MaxCsvBytes)
        {
            return Refuse(new BatchSubmitOutcome.TooLarge($"The CSV is {upload.Csv.Length} bytes; the limit is {limits.MaxCsvBytes}."));
        }

        if (upload.Zip.Length > limits.MaxZipBytes)
        {
            return Refuse(new BatchSubmitOutcome.TooLarge($"The zip is {upload.Zip.Length} bytes; the limit is {limits.MaxZipBytes}."));
        }

        var (lines, csvRefused) = await ReadCsvAsync(upload.Csv, limits, cancellationToken);
        if (csvRefused is not null)
        {
            return Refuse(csvRefused);
        }

        var (zip, zipRefused) = BatchZip.Open(await upload.Zip.OpenAsync(cancellationToken), limits);
        if (zipRefused is not null)
        {
            return Refuse(zipRefused);
        }

        using (zip)
        {
            var categories = index.GetCategories(tenant).ToHashSet(StringComparer.Ordinal);
            var rows = new List<BatchRow>(lines!.Count);
            foreach (var line in lines)
            {
                rows.Add(await ReadCsvRowAsync(tenant, line, zip!, categories, cancellationToken));
            }

            return (upload.Csv.FileName, rows, null);
        }
    }

    private sealed record CsvLine(int Line, string Image, string Category, string Condition, string? Brand, string? Title, string? Error);

    private static async Task<(List<CsvLine>? Lines, BatchSubmitOutcome? Refused)> ReadCsvAsync(BatchFile csv, BatchOptions limits, CancellationToken cancellationToken)
    {
        string text;
        await using (var stream = await csv.OpenAsync(cancellationToken))
        using (var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true))
        {
            text = await reader.ReadToEndAsync(cancellationToken);
        }

        var records = CsvReader.Read(new StringReader(text)).ToList();
        if (records.Count == 0)
        {
            return (null, InvalidCsv("The CSV is empty; its header is image,category,condition,brand,title."));
        }

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToArray();
        if (missing.Length > 0)
        {
            return (null, InvalidCsv($"The CSV header lacks {string.Join(", ", missing)}; expected image,category,condition,brand,title."));
        }

        var dataRows = records.Skip(1).Where(r => r.Fields.Any(f => f.Length > 0)).ToList();
        if (dataRows.Count == 0)
        {
            return (null, InvalidCsv("The CSV has a header but no rows."));
        }

        if (dataRows.Count > limits.MaxRows)
        {
            return (null, InvalidCsv($"The CSV has {dataRows.Count} rows; the limit is {limits.MaxRows}."));
        }

        string? Field(IReadOnlyList<string> fields, string column) =>
            header.IndexOf(column) is var i and >= 0 && i < fields.Count && fields[i].Trim() is { Length: > 0 } value ? value : null;
        var lines = dataRows.Select(r => new CsvLine(
            r.Line,
            Field(r.Fields, "image") ?? string.Empty,
            Field(r.Fields, "category") ?? string.Empty,
            Field(r.Fields, "condition") ?? string.Empty,
            Field(r.Fields, "brand"),
            Field(r.Fields, "title"),
            // Trailing optional columns may be left off; more fields than the header names is a shifted row.
            r.Fields.Count > header.Count ? $"Has {r.Fields.Count} fields; the header names {header.Count}." : null)).ToList();
        return (lines, null);
    }

    private async Task<BatchRow> ReadCsvRowAsync(TenantId tenant, CsvLine line, BatchZip zip, HashSet<string> categories, CancellationToken cancellationToken)
    {
        var row = new BatchRow
        {
            Line = line.Line,
            ImageName = BatchZip.Shorten(line.Image),
            Category = Limit(line.Category, 100),
            Condition = Limit(line.Condition, 40),
            Brand = line.Brand is null ? null : Limit(line.Brand, 100),
            Title = line.Title is null ? null : Limit(line.Title, 300),
            Status = BatchRowStatus.Pending,
        };
        var error = line.Error ?? FieldError(line.Image, line.Category, line.Condition, line.Brand, line.Title, categories);
        if (error is not null)
        {
            return row with { Status = BatchRowStatus.Invalid, Error = error };
        }

        if (zip.Find(line.Image) is not { } entry)
        {
            return row with { Status = BatchRowStatus.Invalid, Error = $"'{row.ImageName}' is not in the zip." };
        }

        var bytes = await zip.ReadAsync(entry, cancellationToken);
        return bytes is null
            ? row with { Status = BatchRowStatus.Invalid, Error = $"'{row.ImageName}' is over the photo limit of {options.Value.MaxPhotoBytes} bytes." }
            : await KeepPhotoAsync(tenant, row, bytes, cancellationToken);
    }

    private async Task<(string Name, List<BatchRow> Rows, BatchSubmitOutcome? Refused)> ReadPhotosAsync(
        TenantId tenant, BatchUpload.Photos upload, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var errors = new Dictionary<string, string[]>();
        if (upload.Files.Count == 0)
        {
            errors["photos"] = ["At least one photo is required (or send 'csv' and 'zip')."];
        }
        else if (upload.Files.Count > limits.MaxRows)
        {
            errors["photos"] = [$"{upload.Files.Count} photos; the limit is {limits.MaxRows}."];
        }

        var categories = index.GetCategories(tenant).ToHashSet(StringComparer.Ordinal);
        if (CategoryError(upload.Category, categories) is { } categoryError)
        {
            errors["category"] = [categoryError];
        }

        if (ConditionError(upload.Condition) is { } conditionError)
        {
            errors["condition"] = [conditionError];
        }

        if (errors.Count > 0)
        {
            return Refuse(new BatchSubmitOutcome.Invalid(errors, "One or more fields are invalid."));
        }

        if (upload.Files.FirstOrDefault(f => f.Length > limits.MaxPhotoBytes) is { } oversized)
        {
            return Refuse(new BatchSubmitOutcome.TooLarge($"'{BatchZip.Shorten(oversized.FileName)}' is {oversized.Length} bytes; the limit per photo is {limits.MaxPhotoBytes}."));
        }

        var rows = new List<BatchRow>(upload.Files.Count);
        for (var i = 0; i < upload.Files.Count; i++)
        {
            var file = upload.Files[i];
            var row = new BatchRow
            {
                Line = i + 1,
                ImageName = BatchZip.Shorten(file.FileName),
                Category = upload.Category!.Trim(),
                Condition = upload.Condition!.Trim(),
                Status = BatchRowStatus.Pending,
            };
            using var buffer = new MemoryStream((int)file.Length);
            await using (var stream = await file.OpenAsync(cancellationToken))
            {
                await stream.CopyToAsync(buffer, cancellationToken);
            }

            rows.Add(await KeepPhotoAsync(tenant, row, buffer.ToArray(), cancellationToken));
        }

        return (upload.Files[0].FileName, rows, null);
    }

    /// <summary>Inspects the photo's header (never decodes it) and keeps it; a photo that is not one makes the row invalid.</summary>
    private async Task<BatchRow> KeepPhotoAsync(TenantId tenant, BatchRow row, byte[] bytes, CancellationToken cancellationToken)
    {
        var inspection = inspector.Inspect(bytes);
        if (!inspection.IsValid)
        {
            return row with { Status = BatchRowStatus.Invalid, Error = $"'{row.ImageName}': {inspection.Reason}" };
        }

        var key = await images.SaveAsync(tenant.Value, bytes, inspection.Image!.ContentType, cancellationToken);
        return row with { ImageKey = key };
    }

    private static string? FieldError(string image, string category, string condition, string? brand, string? title, HashSet<string> categories) =>
        image.Length == 0 ? "The image is missing."
        : CategoryError(category, categories) ?? ConditionError(condition)
        ?? (brand is { Length: > 100 } ? "The brand has more than 100 characters."
        : title is { Length: > 300 } ? "The title has more than 300 characters."
        : null);

    private static string? CategoryError(string? category, HashSet<string> categories) =>
        string.IsNullOrWhiteSpace(category) ? "The category is required."
        : !categories.Contains(category.Trim()) ? $"Unknown category '{BatchZip.Shorten(category)}'. Known: {string.Join(", ", categories.Order(StringComparer.Ordinal).Take(30))}."
        : null;

    private static string? ConditionError(string? condition) =>
        string.IsNullOrWhiteSpace(condition) ? "The condition is required."
        : !ItemConditions.TryParse(condition.Trim(), out _) ? $"Unknown condition '{BatchZip.Shorten(condition)}'. Use one of: {ItemConditions.WireNames}."
        : null;

    private static string Limit(string value, int max) => value.Length <= max ? value : value[..max];

    private static BatchSubmitOutcome.Invalid InvalidCsv(string message) =>
        new(new Dictionary<string, string[]> { ["csv"] = [message] }, message);

    private static (string, List<BatchRow>, BatchSubmitOutcome?) Refuse(BatchSubmitOutcome refusal) => (string.Empty, [], refusal);
}
