namespace Portal.Core.Pricing.Engine;

/// <summary>
/// Confidence in [0, 1] from four components. Mean similarity weighs most: in backtests the error fell
/// steeply as the neighbours' mean similarity rose, far more than with their count.
/// </summary>
public static class ConfidenceModel
{
    public const double SimilarityWeight = 0.45;
    public const double CountWeight = 0.20;
    public const double DispersionWeight = 0.20;
    public const double RecencyWeight = 0.15;

    /// <summary>Count saturates: 3 comparables give 0.53, 10 give 0.92.</summary>
    public static double CountComponent(int count) => 1 - Math.Exp(-count / 4.0);

    /// <summary>Mean similarity rescaled so the threshold maps to 0 and a perfect match to 1.</summary>
    public static double SimilarityComponent(double meanSimilarity, double threshold) =>
        Math.Clamp((meanSimilarity - threshold) / Math.Max(1e-9, 1 - threshold), 0, 1);

    /// <summary>exp(−2 × weighted mean absolute relative deviation from the price): 10 % spread → 0.82.</summary>
    public static double DispersionComponent(ReadOnlySpan<double> prices, ReadOnlySpan<double> weights, double center)
    {
        if (center <= 0 || prices.Length == 0)
        {
            return 0;
        }

        double deviation = 0, total = 0;
        for (var i = 0; i < prices.Length; i++)
        {
            deviation += weights[i] * Math.Abs(prices[i] - center) / center;
            total += weights[i];
        }

        return total > 0 ? Math.Exp(-2 * deviation / total) : 0;
    }

    public static double Combine(ConfidenceComponents c)
    {
        var value = SimilarityWeight * c.Similarity + CountWeight * c.Count + DispersionWeight * c.Dispersion + RecencyWeight * c.Recency;
        return Math.Clamp(c.Cap is { } cap ? Math.Min(value, cap) : value, 0, 1);
    }
}
