using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// Batch pricing (section <c>Pricing:Batches</c>): what one upload may hold, how many rows are priced at once and how a
/// batch left by a stopped host is taken over. Validated on start.
/// </summary>
public sealed class BatchOptions
{
    public const string SectionName = "Pricing:Batches";

    /// <summary>Rows (CSV lines or photos) per batch.</summary>
    [Range(1, 100_000)]
    public int MaxRows { get; set; } = 1000;

    /// <summary>The whole multipart request.</summary>
    [Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The zip file as uploaded.</summary>
    [Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxZipBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>The CSV file.</summary>
    [Range(1, 100L * 1024 * 1024)]
    public long MaxCsvBytes { get; set; } = 2L * 1024 * 1024;

    /// <summary>One photo, uploaded or unpacked.</summary>
    [Range(1, 100L * 1024 * 1024)]
    public long MaxPhotoBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Entries in the zip (folders included).</summary>
    [Range(1, 100_000)]
    public int MaxZipEntries { get; set; } = 2000;

    /// <summary>Everything the zip unpacks to: a decompression bomb stops here, from the entries' headers and while reading.</summary>
    [Range(1, 4L * 1024 * 1024 * 1024)]
    public long MaxUnpackedBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Unpacked size over packed size of one entry; JPEG and PNG barely compress, a bomb compresses a thousandfold.</summary>
    [Range(1, 10_000)]
    public int MaxCompressionRatio { get; set; } = 100;

    /// <summary>
    /// Rows priced at once by one host. Each takes one of the pricing permits (<c>Pricing:Concurrency:PermitLimit</c>),
    /// so keep it below that limit: what is left serves the analysts' own Suggest.
    /// </summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 1;

    /// <summary>
    /// Whether this portal prices batches in the background. Off, it still takes uploads and answers their status, and
    /// leaves the pricing to the portals where it is on (they find the batch in the store).
    /// </summary>
    public bool PriceOnThisHost { get; set; } = true;

    /// <summary>How long a host's claim on a batch lasts without renewal; a batch whose claim ran out is taken over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a host looks for unfinished batches without a live claim (another host stopped while pricing).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The problems of the durations; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(LeaseDuration)} must lie in [1 second, 1 hour]; it is {LeaseDuration}.";
        }

        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(PollInterval)} must lie in [100 ms, 1 hour]; it is {PollInterval}.";
        }

        if (MaxZipBytes > MaxUploadBytes)
        {
            yield return $"{SectionName}:{nameof(MaxZipBytes)} ({MaxZipBytes}) must not exceed {nameof(MaxUploadBytes)} ({MaxUploadBytes}).";
        }
    }
}
