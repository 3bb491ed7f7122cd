
namespace Portal.Core.Pricing;

/// <summary>An analyst's request: photos and declared fields. The tenant comes from the signed-in identity.</summary>
public sealed record PriceItemRequest
{
    public required TenantId Tenant { get; init; }
    public required IReadOnlyList<ReadOnlyMemory<byte>> Images { get; init; }
    public required string? Category { get; init; }
    public required string? Condition { get; init; }
    public string? Brand { get; init; }
    public string? Title { get; init; }
    public string? ProductId { get; init; }
    public DateTimeOffset? PricingDate { get; init; }
    public IReadOnlyCollection<string> ExcludedSaleIds { get; init; } = [];
}

/// <summary>
/// The same request as a form carries it: the fields as text and the photos as parts that are read only once their
/// number and declared sizes pass, so a refused request never buffers its photos.
/// </summary>
public sealed record PriceItemSubmission
{
    public required TenantId Tenant { get; init; }
    public required IReadOnlyList<SubmittedPhoto> Photos { get; init; }
    public string? Category { get; init; }
    public string? Condition { get; init; }
    public string? Brand { get; init; }
    public string? Title { get; init; }
    public string? ProductId { get; init; }

    /// <summary>ISO-8601 text; empty for today.</summary>
    public string? PricingDate { get; init; }

    /// <summary>Sale ids to leave out, each value one id or a comma-separated list.</summary>
    public IReadOnlyList<string?> Exclude { get; init; } = [];
}

/// <summary>One uploaded photo part: its name and declared length, and how to read its bytes.</summary>
public sealed record SubmittedPhoto(string FileName, long Length, Func<CancellationToken, Task<ReadOnlyMemory<byte>>> ReadAsync);
