using Portal.Core.Images;

namespace Portal.Core.Pricing.Engine;

/// <summary>What the engine prices: the item's photos' normalised embeddings plus what the analyst declared.</summary>
public sealed record PricingQuery
{
    public required TenantId Tenant { get; init; }
    public required string Category { get; init; }
    /// <summary>The target condition; null applies no condition normalisation (imports without conditions).</summary>
    public required ItemCondition? Condition { get; init; }
    public string? Brand { get; init; }
    public string? Title { get; init; }
    public string? ProductId { get; init; }
    /// <summary>Defaults to now from the injected TimeProvider.</summary>
    public DateTimeOffset? PricingDate { get; init; }
    public required string EmbeddingModel { get; init; }
    /// <summary>The first photo's normalised embedding.</summary>
    public required float[] Embedding { get; init; }
    /// <summary>
    /// The further photos' normalised embeddings, in order. Each photo is searched on its own and a sale scores its best match
    /// over every query photo and every photo of the sale; none (the default) searches with <see cref="Embedding"/> alone.
    /// </summary>
    public IReadOnlyList<float[]> MorePhotoEmbeddings { get; init; } = [];
    /// <summary>Every query photo's embedding, the first one first.</summary>
    public IReadOnlyList<float[]> PhotoEmbeddings => MorePhotoEmbeddings.Count == 0 ? [Embedding] : [Embedding, .. MorePhotoEmbeddings];
    public QualityAssessment? Quality { get; init; }
    public IReadOnlySet<string> ExcludedSaleIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    /// <summary>When false the lookback window is not applied (undated imports are treated as sold on one day).</summary>
    public bool ApplyLookback { get; init; } = true;
    /// <summary>Latest sale date a candidate may have; defaults to the pricing date. Backtests set it to price from the others.</summary>
    public DateTimeOffset? CandidatesUntil { get; init; }
    /// <summary>True in backtests, which calibrate ranges from their own earlier errors: the tenant's stored calibration would see the future.</summary>
    public bool SkipCalibration { get; init; }
}
