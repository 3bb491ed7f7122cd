using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws.S3;

/// <summary>
/// Section <c>Aws:S3</c>: the buckets of the product photos and the <c>sales_history</c> lake (they may be one bucket: the lake
/// lives under <see cref="LakePrefix"/>, which no image key can start with). <see cref="ServiceUrl"/> points the client at an
/// S3-compatible endpoint (tests: s3rver); without it the regional AWS endpoint of <c>Aws:Region</c> is used.
/// </summary>
public sealed class S3Options
{
    public const string SectionName = "Aws:S3";
    internal const string BucketPattern = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

    [Required(ErrorMessage = "Aws:S3:ImagesBucket is required when Portal:Provider is Aws.")]
    [RegularExpression(BucketPattern, ErrorMessage = "Aws:S3:ImagesBucket must be a valid S3 bucket name (3-63 lower-case letters, digits, dots or dashes).")]
    public string ImagesBucket { get; set; } = string.Empty;

    [Required(ErrorMessage = "Aws:S3:LakeBucket is required when Portal:Provider is Aws.")]
    [RegularExpression(BucketPattern, ErrorMessage = "Aws:S3:LakeBucket must be a valid S3 bucket name (3-63 lower-case letters, digits, dots or dashes).")]
    public string LakeBucket { get; set; } = string.Empty;

    /// <summary>Key prefix of the lake table; partitions follow as <c>tenant_id=…/year=…/month=…/</c>.</summary>
    [Required(ErrorMessage = "Aws:S3:LakePrefix is required.")]
    [RegularExpression("^[a-z0-9_][a-z0-9_-]{0,62}(/[a-z0-9_][a-z0-9_-]{0,62}){0,4}$",
        ErrorMessage = "Aws:S3:LakePrefix must be 1-5 segments of lower-case letters, digits, '_' or '-', separated by '/', without leading or trailing '/'.")]
    public string LakePrefix { get; set; } = "sales_history";

    /// <summary>An S3-compatible endpoint instead of AWS's (e.g. <c>http://127.0.0.1:4569</c>).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>); needed by most S3-compatible servers.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>How long a presigned GET URL handed to the browser stays valid.</summary>
    public TimeSpan PresignedUrlExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>When set, objects are encrypted with this KMS key (SSE-KMS) instead of S3-managed keys (SSE-S3, AES256).</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Timeout of one S3 request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per request (first try included); the SDK's standard retry mode backs off between them.</summary>
    [Range(1, 10, ErrorMessage = "Aws:S3:MaxAttempts must be between 1 and 10.")]
    public int MaxAttempts { get; set; } = 4;
}
