using System.Globalization;

namespace Portal.Core.Pricing.Engine;

/// <summary>The suggestion as the caller sees it: range, confidence, adjustments and the lines that explain them.</summary>
public sealed partial class VisualSimilarityPricingEngine
{
    private PricingSuggestion Suggestion(PricingContext context, Priced priced, string currency, ConfidenceComponents components,
        Comparable[] comparables, Comparable[] notUsed, FallbackInfo? fallback, string estimator, IEnumerable<string> opening, string rangeOf)
    {
        var settings = context.Settings;
        var confidence = ConfidenceModel.Combine(components);
        var adjustments = Adjustments(context, priced.Base, priced.AfterSeasonal, priced.AfterCondition) with
        {
            Estimator = estimator,
            MarketLevel = Math.Round(priced.Level?.Factor ?? 1.0, 4),
            MarketLevelSource = priced.Level?.Source,
        };
        var explanation = new List<string>(opening);
        explanation.AddRange(AdjustmentLines(context, adjustments));
        if (priced.Level is { } level)
        {
            explanation.Add(string.Create(CultureInfo.InvariantCulture,
                $"Market level: {level.Source} sold {level.Sales} time(s), {(level.Shrinkage is null ? "median" : $"level ({level.Shrinkage})")} {level.Median:0.00} {currency}; the price drawn {settings.MarketLevelWeight:P0} toward it → ×{level.Factor:0.000}."));
        }

        var calibration = calibrations?.For(context.Query.Tenant, currency);
        if (calibration is not null && !context.Query.SkipCalibration)
        {
            var band = calibration.BandFor(confidence);
            var (low, high) = calibration.RangeFor(priced.Price, confidence);
            priced = priced with { Low = low, High = high };
            explanation.Add(string.Create(CultureInfo.InvariantCulture,
                $"Range {low:0.00}–{high:0.00} {currency}: where {calibration.Coverage:P0} of this tenant's sold prices fell around earlier suggestions of similar confidence ({band.N} backtested sales)."));
        }
        else
        {
            explanation.Add(string.Create(CultureInfo.InvariantCulture, $"Range P{settings.RangeLowQuantile * 100:0}–P{settings.RangeHighQuantile * 100:0} of {rangeOf}: {priced.Low:0.00}–{priced.High:0.00} {currency}."));
        }
        if (fallback is not null && !explanation.Contains(fallback.Reason))
        {
            explanation.Add(fallback.Reason);
        }

        explanation.Add(ConfidenceLine(confidence, components, fallback?.Sales));
        var rounded = Round(components);
        var verdict = fallback?.Sales is { } sales
            ? Verdict.FromMedian(context.Query.Category, fallback.Kind == FallbackKinds.BrandCategoryMedian ? context.Query.Brand : null, sales, notUsed.Length)
            : Verdict.FromComparables(Math.Round(confidence, 4), rounded, comparables, context.PricingDate);
        return new PricingSuggestion
        {
            Price = Money(priced.Price),
            Currency = currency,
            Range = new PriceRange(Money(priced.Low), Money(priced.High)),
            Confidence = Math.Round(confidence, 4),
            ConfidenceComponents = rounded,
            Verdict = verdict,
            Comparables = comparables,
            LookAlikesNotUsed = notUsed,
            Adjustments = adjustments,
            Fallback = fallback,
            Explanation = explanation,
            Timings = new PhaseTimings(0, 0, 0, 0, 0, 0),
            EmbeddingModel = context.Query.EmbeddingModel,
            PricingDate = context.PricingDate,
        };
    }

    private static Adjustments Adjustments(PricingContext context, double basePrice, double afterSeasonal, double afterCondition) => new()
    {
        BasePrice = Money(basePrice),
        Seasonal = Ratio(afterSeasonal, basePrice),
        Condition = Ratio(afterCondition, afterSeasonal),
        Quality = Math.Round(context.QualityMultiplier, 4),
        TargetSeason = $"Q{context.TargetQuarter}",
        TargetCondition = context.Query.Condition?.ToWireName() ?? "as sold",
        Estimator = EstimatorName(context.Settings.Estimator),
        QualityScore = Math.Round(context.Query.Quality?.Score ?? 1.0, 4),
        QualityFindings = context.Query.Quality?.Findings ?? [],
        QualityAssessor = context.Query.Quality?.Assessor,
    };

    private static IEnumerable<string> AdjustmentLines(PricingContext context, Adjustments a)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"Seasonal: sales moved to {a.TargetSeason} with the category's seasonal index → ×{a.Seasonal:0.000}.");
        yield return string.Create(CultureInfo.InvariantCulture, $"Condition: each sale normalised from its own condition to {a.TargetCondition} → ×{a.Condition:0.000}.");
        var findings = a.QualityFindings.Count > 0 ? $" ({string.Join(", ", a.QualityFindings)})" : string.Empty;
        yield return context.Query.Quality is null
            ? "Photo quality: not assessed → ×1.000."
            : string.Create(CultureInfo.InvariantCulture, $"Photo quality {a.QualityScore:0.00}{findings} by {a.QualityAssessor} → ×{a.Quality:0.000}.");
    }

    /// <summary>
    /// The confidence and the components that apply: a median fallback (<paramref name="medianOf"/> sales) has no look-alikes,
    /// so similarity and recency are 0 by construction and its count is of the median's sales; only the cap and the sales'
    /// agreement are said.
    /// </summary>
    private static string ConfidenceLine(double confidence, ConfidenceComponents c, int? medianOf)
    {
        var level = confidence >= 0.7 ? "high" : confidence >= 0.45 ? "medium" : "low";
        if (medianOf is { } sales)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Confidence {confidence:0.00} ({level}): a median without look-alikes, capped at {c.Cap ?? 1:0.00}; agreement among the {sales:N0} sales {c.Dispersion:0.00}.");
        }

        var capped = c.Cap is { } cap ? string.Create(CultureInfo.InvariantCulture, $", capped at {cap:0.00} by the fallback") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"Confidence {confidence:0.00} ({level}): similarity {c.Similarity:0.00}, count {c.Count:0.00}, agreement {c.Dispersion:0.00}, recency {c.Recency:0.00}{capped}.");
    }

    private static double Estimate(double[] values, double[] weights, PriceEstimator estimator) => estimator switch
    {
        PriceEstimator.WeightedMean => WeightedStatistics.Mean(values, weights),
        PriceEstimator.WeightedGeometricMean => WeightedStatistics.GeometricMean(values, weights),
        _ => WeightedStatistics.Quantile(values, weights, 0.5),
    };

    private static string EstimatorName(PriceEstimator estimator) => estimator switch
    {
        PriceEstimator.WeightedMean => "weighted mean",
        PriceEstimator.WeightedGeometricMean => "weighted geometric mean",
        _ => "weighted median",
    };

    private static double[] Normalise(double[] raw)
    {
        var total = raw.Sum();
        return total > 0 ? raw.Select(w => w / total).ToArray() : raw.Select(_ => 1.0 / raw.Length).ToArray();
    }

    private static string MajorityCurrency(IEnumerable<SaleRecord> sales) =>
        sales.GroupBy(s => s.Currency).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

    private static decimal Money(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);

    private static double Ratio(double after, double before) => before > 0 ? Math.Round(after / before, 4) : 1.0;

    private static ConfidenceComponents Round(ConfidenceComponents c) =>
        new(Math.Round(c.Count, 4), Math.Round(c.Similarity, 4), Math.Round(c.Dispersion, 4), Math.Round(c.Recency, 4), c.Cap);
}
