using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure;

/// <summary>Section <c>Portal</c>, the part the wiring reads: which face the outside systems show (read by the wiring and by provisioning).</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    public const string LocalProvider = "Local";

    public const string AwsProvider = "Aws";

    /// <summary>The configuration key of <see cref="Provider"/>.</summary>
    public const string ProviderKey = SectionName + ":" + nameof(Provider);

    /// <summary><c>Local</c> (embedded default: SQLite, Parquet, DuckDB, ONNX) or <c>Aws</c>.</summary>
    [Required]
    [RegularExpression("^(Local|Aws)$", ErrorMessage = "Portal:Provider must be Local or Aws.")]
    public string Provider { get; set; } = LocalProvider;

    /// <summary>
    /// Store segments streamed into the in-memory index at once while it loads at start (SQLite read connections, DynamoDB
    /// Scan segments); one per processor by default.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Portal:IndexLoadParallelism must be 1-256.")]
    public int IndexLoadParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>True when the configuration picks the AWS adapters (read before options exist, at registration).</summary>
    public static bool IsAws(IConfiguration configuration) =>
        string.Equals(configuration[ProviderKey], AwsProvider, StringComparison.Ordinal);
}
