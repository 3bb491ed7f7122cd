namespace Portal.Infrastructure.Aws.DynamoDb;

/// <summary>Section <c>Aws:DynamoDb</c>.</summary>
public sealed class DynamoDbOptions
{
    public const string SectionName = "Aws:DynamoDb";

    /// <summary>Endpoint override (dynalite in tests, a VPC endpoint in production); empty = the region's endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Per-request timeout of the SDK client.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per request, the first included, under the SDK's adaptive retry mode (throttling and 5xx).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 20, ErrorMessage = "Aws:DynamoDb:MaxAttempts must be 1-20.")]
    public int MaxAttempts { get; set; } = 8;
}
