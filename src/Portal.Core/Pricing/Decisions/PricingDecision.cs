using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing.Decisions;

/// <summary>
/// What an analyst decided for an item: the suggestion they saw, the price they set (accepted or overridden with a
/// reason) and what went into it. Matched later with the actual sale by product id.
/// </summary>
public sealed record PricingDecision
{
    public required string DecisionId { get; init; }
    public required TenantId Tenant { get; init; }
    public required string UserName { get; init; }
    public required DateTimeOffset DecidedAt { get; init; }
    public required string Category { get; init; }
    public required string Condition { get; init; }
    public string? Brand { get; init; }
    public string? Title { get; init; }
    public string? ProductId { get; init; }
    /// <summary>Keys of the uploaded photos in the image store.</summary>
    public required IReadOnlyList<string> ImageKeys { get; init; }
    public required decimal SuggestedPrice { get; init; }
    public required decimal RangeLow { get; init; }
    public required decimal RangeHigh { get; init; }
    public required double Confidence { get; init; }
    public required decimal FinalPrice { get; init; }
    public required string Currency { get; init; }
    /// <summary>Null when the suggestion was accepted as is.</summary>
    public string? OverrideReason { get; init; }
    public required IReadOnlyList<string> ExcludedSaleIds { get; init; }
    public string? Fallback { get; init; }
    public required string EmbeddingModel { get; init; }
    /// <summary>The trust verdict the analyst saw; null on decisions saved before verdicts were kept (nothing is derived for them).</summary>
    public Verdict? Verdict { get; init; }
}

/// <summary>Filters for the history page; all optional but the tenant.</summary>
public sealed record DecisionQuery
{
    public required TenantId Tenant { get; init; }
    public string? UserName { get; init; }
    public string? Category { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Limit { get; init; } = 200;
    public int Offset { get; init; }
}
