using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing.Learning;

/// <summary>
/// The learned layer's inputs for one item: the comparables' answer (price, confidence, closeness, agreement, fallback) and
/// the history's (category and brand levels). Missing brand levels fall back to the next level up, with the counts saying so.
/// </summary>
public static class PriceFeatures
{
    public static readonly string[] Names =
    [
        "log_engine_price", "confidence", "similarity", "count", "agreement", "recency", "median_fallback",
        "log_category_median", "log_category_count", "log_brand_category_median", "log_brand_category_count",
        "log_brand_median", "log_brand_count", "brand_log_spread", "log_brand_last", "brand_share_of_comparables",
        "condition_factor", "title_similarity",
    ];

    public static int Count => Names.Length;

    public static float[] From(PricingSuggestion suggestion, SaleHistory history)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        ArgumentNullException.ThrowIfNull(history);
        var logEngine = Math.Log(Math.Max(0.01, (double)suggestion.Price));
        var category = double.IsNaN(history.LogCategoryMedian) ? logEngine : history.LogCategoryMedian;
        var brandCategory = history.LogBrandCategoryMedian ?? history.LogBrandMedian ?? category;
        var brand = history.LogBrandMedian ?? brandCategory;
        var c = suggestion.ConfidenceComponents;
        var comparables = suggestion.Comparables;
        var medianFallback = suggestion.Fallback is { Kind: not FallbackKinds.WidenedWindow };
        return
        [
            (float)logEngine,
            (float)suggestion.Confidence,
            (float)c.Similarity,
            comparables.Count,
            (float)c.Dispersion,
            (float)c.Recency,
            medianFallback ? 1 : 0,
            (float)category,
            (float)Math.Log(1 + history.CategoryCount),
            (float)brandCategory,
            (float)Math.Log(1 + history.BrandCategoryCount),
            (float)brand,
            (float)Math.Log(1 + history.BrandCount),
            (float)history.BrandLogSpread,
            (float)(history.LogBrandLast ?? brand),
            comparables.Count > 0 ? (float)comparables.Where(x => x.BrandMatch).Sum(x => x.Weight) : 0,
            (float)suggestion.Adjustments.Condition,
            comparables.Count > 0 ? (float)comparables.Sum(x => x.Weight * x.TitleSimilarity) : 0,
        ];
    }
}
