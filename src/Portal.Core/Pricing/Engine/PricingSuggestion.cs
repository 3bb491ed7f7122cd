using System.Text.Json.Serialization;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Engine;

/// <summary>
/// The engine's answer. These property names are the public JSON contract of <c>POST /api/pricing/calculate</c>:
/// keep them stable.
/// </summary>
public sealed record PricingSuggestion
{
    public required decimal Price { get; init; }
    public required string Currency { get; init; }
    public required PriceRange Range { get; init; }
    public required double Confidence { get; init; }
    public required ConfidenceComponents ConfidenceComponents { get; init; }
    /// <summary>Strong, weak or none (a median fallback), with the sentence shown above the price.</summary>
    public required Verdict Verdict { get; init; }
    public required IReadOnlyList<Comparable> Comparables { get; init; }

    /// <summary>
    /// In a median fallback, the few look-alikes that were found (fewer than the minimum): shown so the analyst can judge
    /// them, never part of the price (their weights are 0). Empty otherwise.
    /// </summary>
    public IReadOnlyList<Comparable> LookAlikesNotUsed { get; init; } = [];
    public required Adjustments Adjustments { get; init; }
    /// <summary>Null when the comparables sufficed; otherwise which fallback priced the item and why.</summary>
    public FallbackInfo? Fallback { get; init; }
    public required IReadOnlyList<string> Explanation { get; init; }
    public required PhaseTimings Timings { get; init; }
    public required string EmbeddingModel { get; init; }
    public required DateTimeOffset PricingDate { get; init; }
    /// <summary>
    /// Null once this host's index holds every sale; while it still loads at start, how far it is: the price came from the
    /// sales loaded so far, so comparables may be missing.
    /// </summary>
    public IndexWarming? Warming { get; init; }
}

public sealed record PriceRange(decimal Low, decimal High);

/// <summary>Each component in [0, 1]; <see cref="Similarity"/> carries the most weight.</summary>
public sealed record ConfidenceComponents(double Count, double Similarity, double Dispersion, double Recency, double? Cap);

public sealed record Comparable
{
    public required string SaleId { get; init; }
    public required string ProductId { get; init; }
    public string? Brand { get; init; }
    public string? Title { get; init; }
    public string? Condition { get; init; }
    public required DateTimeOffset SoldAt { get; init; }
    public required decimal SoldPrice { get; init; }
    public required decimal AdjustedPrice { get; init; }
    public required double Similarity { get; init; }

    /// <summary>The photo's part of <see cref="Similarity"/>: cosine of the image embeddings.</summary>
    public double ImageSimilarity { get; init; }

    /// <summary>True when the comparable has the query's brand (and the brand signal is on).</summary>
    public bool BrandMatch { get; init; }

    /// <summary>Cosine of the titles' character 3-grams (0 when the title signal is off or a title is missing).</summary>
    public double TitleSimilarity { get; init; }
    public required double RecencyWeight { get; init; }
    /// <summary>Normalised: the weights of one suggestion sum to 1.</summary>
    public required double Weight { get; init; }
    public double SeasonalFactor { get; init; } = 1;
    public double ConditionFactor { get; init; } = 1;

    /// <summary>The sold item's photo in the image store, as the engine finds it; not part of the API's JSON.</summary>
    [JsonIgnore]
    public string? ImageKey { get; init; }

    /// <summary>Where a browser fetches that photo: the image store's URL for <see cref="ImageKey"/>, set by the pricing service.</summary>
    public string? ImageUrl { get; init; }
}

/// <summary>
/// The waterfall from the comparables' weighted base price to the final price. Each step applies the
/// estimator to the comparable prices adjusted so far, so <c>base × seasonal × condition × quality = final</c>.
/// </summary>
public sealed record Adjustments
{
    public required decimal BasePrice { get; init; }
    public required double Seasonal { get; init; }
    public required double Condition { get; init; }
    public required double Quality { get; init; }
    public required string TargetSeason { get; init; }
    public required string TargetCondition { get; init; }
    public required string Estimator { get; init; }

    /// <summary>Factor by which drawing toward the market level moved the price (1 when off or no history).</summary>
    public double MarketLevel { get; init; } = 1;

    /// <summary>Which history set the level: the brand in the category, the brand elsewhere, or the category.</summary>
    public string? MarketLevelSource { get; init; }
    public double QualityScore { get; init; } = 1;
    public IReadOnlyList<string> QualityFindings { get; init; } = [];
    public string? QualityAssessor { get; init; }
}

public sealed record FallbackInfo(string Kind, string Reason)
{
    /// <summary>How many sales a median fallback was taken over; null for a widened window (priced from comparables).</summary>
    public int? Sales { get; init; }
}

public sealed record PhaseTimings(double CandidatesMs, double SimilarityMs, double QualityMs, double PriceMs, double EmbeddingMs, double TotalMs);

public static class FallbackKinds
{
    public const string WidenedWindow = "widened_window";
    public const string BrandCategoryMedian = "brand_category_median";
    public const string CategoryMedian = "category_median";
}
