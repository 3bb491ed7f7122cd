using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Pricing.Engine;

/// <summary>The engine's tunables (section <c>Pricing</c>). Defaults were chosen by backtest; see docs/architecture.md.</summary>
public sealed record PricingOptions
{
    public const string SectionName = "Pricing";

    /// <summary>Phase 1: how far back candidates may have sold.</summary>
    public TimeSpan LookbackWindow { get; set; } = TimeSpan.FromDays(730);

    /// <summary>First fallback when too few comparables: a wider window.</summary>
    public TimeSpan WidenedLookbackWindow { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// Widening stops here: after <see cref="WidenedLookbackWindow"/> the window doubles until enough comparables are found or
    /// this is reached, so a category that sells rarely still prices from look-alikes (recency weighting does the rest).
    /// </summary>
    public TimeSpan MaxLookbackWindow { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// Similarity added when a candidate has the query's brand (the author, the maker): a comparable's score is
    /// image cosine + this × brand match + <see cref="TitleWeight"/> × title cosine, so the threshold stays on the image's scale.
    /// </summary>
    [Range(0.0, 1.0)]
    public double BrandWeight { get; set; } = 1.0;

    /// <summary>Similarity added per unit of title cosine (see <see cref="TitleModel"/>); see <see cref="BrandWeight"/>.</summary>
    [Range(0.0, 1.0)]
    public double TitleWeight { get; set; } = 0.2;

    /// <summary>
    /// How titles become vectors: <c>trigram</c> (hashed character 3-grams) or <c>tfidf</c> (3-grams weighted by IDF over the
    /// tenant's titles). Chosen by backtest; see docs/decisions/pricing-signals.md.
    /// </summary>
    [Required]
    [AllowedValues(Similarity.TitleModels.Trigram, Similarity.TitleModels.TfIdf)]
    public string TitleModel { get; set; } = Similarity.TitleModels.Trigram;

    /// <summary>
    /// A comparable's weight is recency × exp((score − best score) / this): small values let the closest matches dominate,
    /// large ones weigh all comparables alike; 0 weighs each by its score itself.
    /// </summary>
    [Range(0.0, 100.0)]
    public double SimilarityTemperature { get; set; } = 0.05;

    /// <summary>
    /// How far (0–1, in log scale) the comparables' price is drawn toward the item's market level: the brand's level in the
    /// category, else the brand's, else the category's median (see <see cref="MarketLevelShrinkage"/>). 0 turns it off.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MarketLevelWeight { get; set; } = 0.5;

    /// <summary>
    /// How the brand's market level is drawn toward its category's (empirical Bayes, in log price): with n sales, the brand's
    /// geometric mean weighs n / (n + this) and the category's median the rest, so one lucky sale does not set an author's
    /// level. 0 takes the brand's plain median.
    /// </summary>
    [Range(0.0, 100.0)]
    public double MarketLevelShrinkage { get; set; } = 0.5;

    /// <summary>Share of sold prices a calibrated range aims to hold (a little over 80 %, since prices drift between calibrations).</summary>
    [Range(0.5, 0.99)]
    public double CalibratedCoverage { get; set; } = 0.82;

    /// <summary>Confidence bands the range calibration splits the backtested errors into (each needs 30 errors).</summary>
    [Range(1, 20)]
    public int CalibrationBands { get; set; } = RangeCalibration.DefaultBands;

    /// <summary>
    /// How often a pricing host reads the range calibrations persisted by the host that runs the nightly refit, so every
    /// portal gives the same ranges; between 1 second and 1 day.
    /// </summary>
    public TimeSpan CalibrationRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Phase 2: how many comparables at most.</summary>
    [Range(1, 200)]
    public int MaxComparables { get; set; } = 10;

    /// <summary>Below this many comparables the engine falls back.</summary>
    [Range(1, 50)]
    public int MinComparables { get; set; } = 3;

    /// <summary>Minimum cosine similarity per embedding model id; <see cref="DefaultMinSimilarity"/> for unknown models.</summary>
    public Dictionary<string, double> MinSimilarityByModel { get; set; } = new(StringComparer.Ordinal);

    [Range(-1.0, 1.0)]
    public double DefaultMinSimilarity { get; set; } = 0.5;

    /// <summary>Phase 4: a sale this old weighs half as much as one sold today.</summary>
    public TimeSpan RecencyHalfLife { get; set; } = TimeSpan.FromDays(90);

    public PriceEstimator Estimator { get; set; } = PriceEstimator.WeightedMedian;

    [Range(0.0, 0.5)]
    public double RangeLowQuantile { get; set; } = 0.10;

    [Range(0.5, 1.0)]
    public double RangeHighQuantile { get; set; } = 0.90;

    /// <summary>Seasonal index: quarter sample size at which the raw index and 1.0 weigh equally (shrinkage).</summary>
    [Range(0.0, 10_000.0)]
    public double SeasonalShrinkage { get; set; } = 30;

    /// <summary>Seasonal factors are clamped into [1/x, x] so a thin quarter cannot swing a price.</summary>
    [Range(1.0, 3.0)]
    public double MaxSeasonalFactor { get; set; } = 1.5;

    /// <summary>Relative value of each condition grade (new with tags = 1).</summary>
    public Dictionary<string, double> ConditionLadder { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["new_with_tags"] = 1.00,
        ["like_new"] = 0.85,
        ["very_good"] = 0.72,
        ["good"] = 0.60,
        ["fair"] = 0.45,
        ["poor"] = 0.30,
    };

    /// <summary>Minimum sales a brand (or category) needs for its median to serve as a fallback.</summary>
    [Range(1, 1000)]
    public int MinFallbackSales { get; set; } = 5;

    [Range(0.0, 1.0)]
    public double WidenedWindowConfidenceCap { get; set; } = 0.6;

    [Range(0.0, 1.0)]
    public double BrandMedianConfidenceCap { get; set; } = 0.35;

    [Range(0.0, 1.0)]
    public double CategoryMedianConfidenceCap { get; set; } = 0.25;

    /// <summary>
    /// The model's threshold; a model id recorded with its vector length (<c>amazon.titan-embed-image-v1:1024</c>) falls back to
    /// its base id's entry, since configuration keys cannot hold a colon.
    /// </summary>
    public double MinSimilarityFor(string modelId)
    {
        if (MinSimilarityByModel.TryGetValue(modelId, out var threshold))
        {
            return threshold;
        }

        var colon = modelId.LastIndexOf(':');
        return colon > 0 && int.TryParse(modelId.AsSpan(colon + 1), out _) && MinSimilarityByModel.TryGetValue(modelId[..colon], out threshold)
            ? threshold
            : DefaultMinSimilarity;
    }
}

public enum PriceEstimator
{
    WeightedMedian,
    WeightedMean,
    /// <summary>exp of the weighted mean of log prices: a far-off price pulls it less than the mean, more than the median.</summary>
    WeightedGeometricMean,
}
