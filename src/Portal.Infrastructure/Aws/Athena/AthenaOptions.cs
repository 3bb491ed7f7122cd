using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws.Athena;

/// <summary>
/// Section <c>Aws:Athena</c>: where the lake's <c>sales_history</c> table is declared (<c>docs/aws/athena.md</c>), which
/// workgroup runs the queries and how long the client waits. The region and credentials come from <c>Aws</c> and the default chain.
/// </summary>
public sealed class AthenaOptions : IValidatableObject
{
    public const string SectionName = "Aws:Athena";

    /// <summary>The Glue database holding the table.</summary>
    [Required(ErrorMessage = "Aws:Athena:Database is required.")]
    [RegularExpression("^[a-z0-9_]{1,255}$", ErrorMessage = "Aws:Athena:Database must be 1-255 lower-case letters, digits or underscores.")]
    public string Database { get; set; } = string.Empty;

    [Required(ErrorMessage = "Aws:Athena:Table is required.")]
    [RegularExpression("^[a-z0-9_]{1,255}$", ErrorMessage = "Aws:Athena:Table must be 1-255 lower-case letters, digits or underscores.")]
    public string Table { get; set; } = "sales_history";

    [Required(ErrorMessage = "Aws:Athena:Catalog is required.")]
    [RegularExpression("^[A-Za-z0-9_-]{1,256}$", ErrorMessage = "Aws:Athena:Catalog must be letters, digits, '_' or '-'.")]
    public string Catalog { get; set; } = "AwsDataCatalog";

    [Required(ErrorMessage = "Aws:Athena:WorkGroup is required.")]
    [RegularExpression("^[a-zA-Z0-9._-]{1,128}$", ErrorMessage = "Aws:Athena:WorkGroup must be 1-128 letters, digits, '.', '_' or '-'.")]
    public string WorkGroup { get; set; } = "primary";

    /// <summary>Where Athena writes result files (<c>s3://bucket/prefix/</c>); empty when the workgroup enforces its own.</summary>
    public string? OutputLocation { get; set; }

    /// <summary>Endpoint override (a loopback fake in tests); empty = <c>https://athena.{region}.amazonaws.com</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>First wait between two <c>GetQueryExecution</c> polls; it doubles up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A query still running after this is stopped (<c>StopQueryExecution</c>) and reported as timed out.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>One HTTP attempt's limit (the resilience handler retries throttling, 5xx and timed-out attempts).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    [Range(0, 10, ErrorMessage = "Aws:Athena:MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay (exponential with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>MaxResults</c> of one <c>GetQueryResults</c> page (Athena allows up to 1000).</summary>
    [Range(1, 1000, ErrorMessage = "Aws:Athena:PageSize must be between 1 and 1000.")]
    public int PageSize { get; set; } = 1000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OutputLocation) && !OutputLocation.StartsWith("s3://", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Aws:Athena:OutputLocation must be an s3:// URI (s3://bucket/prefix/).", [nameof(OutputLocation)]);
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("Aws:Athena:ServiceUrl must be an absolute URL.", [nameof(ServiceUrl)]);
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Aws:Athena:PollInterval must be positive.", [nameof(PollInterval)]);
        }

        if (MaxPollInterval < PollInterval)
        {
            yield return new ValidationResult("Aws:Athena:MaxPollInterval must not be shorter than Aws:Athena:PollInterval.", [nameof(MaxPollInterval)]);
        }

        if (QueryTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Aws:Athena:QueryTimeout must be positive.", [nameof(QueryTimeout)]);
        }

        if (RequestTimeout < TimeSpan.FromMilliseconds(10))
        {
            yield return new ValidationResult("Aws:Athena:RequestTimeout must be at least 10 ms.", [nameof(RequestTimeout)]);
        }

        if (RetryBaseDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult("Aws:Athena:RetryBaseDelay must not be negative.", [nameof(RetryBaseDelay)]);
        }
    }
}
