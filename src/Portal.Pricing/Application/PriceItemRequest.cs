using Portal.Pricing.Domain;

namespace Portal.Pricing.Application;

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

public enum PriceItemFailure
{
    None,
    InvalidFields,
    TooLarge,
    UnsupportedMedia,
    CannotPrice,

    /// <summary>Too much photo work in flight: nothing was done, try again after <see cref="PriceItemOutcome.RetryAfter"/>.</summary>
    Busy,
}

/// <summary>The suggestion, or why there is none with the errors per field (keys as the API's field names).</summary>
public sealed record PriceItemOutcome(
    Engine.PricingSuggestion? Suggestion,
    PriceItemFailure Failure,
    string? Detail,
    IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>The photos that passed inspection (content type, size, SHA-256), in upload order; empty when a check failed first.</summary>
    public IReadOnlyList<Ports.ImageUpload> Uploads { get; init; } = [];

    /// <summary>For <see cref="PriceItemFailure.Busy"/>: when to try again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static PriceItemOutcome Success(Engine.PricingSuggestion suggestion) =>
        new(suggestion, PriceItemFailure.None, null, new Dictionary<string, string[]>());

    public static PriceItemOutcome Failed(PriceItemFailure failure, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(null, failure, detail, errors ?? new Dictionary<string, string[]>());
}
