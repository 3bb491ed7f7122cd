using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Pricing.Domain;
using Portal.Pricing.Similarity;

namespace Portal.Pricing.Engine;

/// <summary>
/// The seed's four phases over the in-memory sales index: candidates (tenant, category, window),
/// similarity (cosine, threshold, top K), quality and condition, weighted price with seasonal adjustment,
/// range and confidence. Pure computation: deterministic for the same query and data.
/// </summary>
public sealed class VisualSimilarityPricingEngine(ISalesIndex index, IOptions<PricingOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(TenantId, string), (long Version, SeasonalIndex Index)> _seasonal = new();
    private readonly ConditionLadder _ladder = new(options.Value.ConditionLadder);

    public PricingResult Calculate(PricingQuery query)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        var pricingDate = query.PricingDate ?? time.GetUtcNow();
        var threshold = settings.MinSimilarityFor(query.EmbeddingModel);

        var categorySales = index.GetCategorySales(query.Tenant, query.Category);
        if (categorySales.Sales.Count == 0)
        {
            return PricingResult.CannotPrice($"No sales history for category '{query.Category}' in this tenant: nothing to anchor a price on.");
        }

        var seasonal = SeasonalIndexFor(query.Tenant, query.Category, categorySales, settings.SeasonalShrinkage);
        var candidatesDone = time.GetTimestamp();

        IReadOnlyList<SimilarityHit> hits = [];
        FallbackInfo? fallback = null;
        var windows = query.ApplyLookback
            ? new TimeSpan?[] { settings.LookbackWindow, settings.WidenedLookbackWindow }
            : [null];
        foreach (var window in windows)
        {
            var filter = new SearchFilter(
                window is { } w ? pricingDate - w : null,
                query.ApplyLookback ? query.CandidatesUntil ?? pricingDate : null,
                query.ExcludedSaleIds);
            hits = index.Search(query.Tenant, query.Category, query.EmbeddingModel, query.Embedding, filter, settings.MaxComparables, (float)threshold);
            if (hits.Count >= settings.MinComparables)
            {
                if (window != windows[0])
                {
                    fallback = new FallbackInfo(
                        FallbackKinds.WidenedWindow,
                        $"Fewer than {settings.MinComparables} similar sales in the last {settings.LookbackWindow.TotalDays:0} days; widened to {window!.Value.TotalDays:0} days.");
                }

                break;
            }
        }

        var similarityDone = time.GetTimestamp();
        var context = new PricingContext(query, pricingDate, threshold, seasonal, settings);
        var suggestion = hits.Count >= settings.MinComparables
            ? FromComparables(context, hits, fallback)
            : FromMedians(context, categorySales.Sales, hits.Count);
        if (suggestion is null)
        {
            return PricingResult.CannotPrice(
                $"Only {hits.Count} similar sale(s) and too little history in '{query.Category}' to fall back on a median; not pricing rather than guessing.");
        }

        var finished = time.GetTimestamp();
        return PricingResult.Priced(suggestion with
        {
            Timings = new PhaseTimings(
                CandidatesMs: Ms(started, candidatesDone),
                SimilarityMs: Ms(candidatesDone, similarityDone),
                QualityMs: 0,
                PriceMs: Ms(similarityDone, finished),
                EmbeddingMs: 0,
                TotalMs: Ms(started, finished)),
        });
    }

    private double Ms(long from, long to) => time.GetElapsedTime(from, to).TotalMilliseconds;

    private SeasonalIndex SeasonalIndexFor(TenantId tenant, string category, CategorySales sales, double shrinkage)
    {
        var key = (tenant, category);
        if (_seasonal.TryGetValue(key, out var cached) && cached.Version == sales.Version)
        {
            return cached.Index;
        }

        var computed = SeasonalIndex.Compute(sales.Sales, shrinkage);
        _seasonal[key] = (sales.Version, computed);
        return computed;
    }

    private sealed record PricingContext(PricingQuery Query, DateTimeOffset PricingDate, double Threshold, SeasonalIndex Seasonal, PricingOptions Settings)
    {
        public int TargetQuarter => Seasons.QuarterNumber(PricingDate);
        public double QualityMultiplier => Query.Quality?.Multiplier ?? 1.0;
    }

    private PricingSuggestion FromComparables(PricingContext context, IReadOnlyList<SimilarityHit> allHits, FallbackInfo? fallback)
    {
        var settings = context.Settings;
        var currency = MajorityCurrency(allHits.Select(h => h.Sale));
        var hits = allHits.Where(h => h.Sale.Currency == currency).ToArray();
        var n = hits.Length;
        var sold = new double[n];
        var seasonalAdjusted = new double[n];
        var conditionAdjusted = new double[n];
        var rawWeights = new double[n];
        var recency = new double[n];
        var seasonalFactors = new double[n];
        var conditionFactors = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sale = hits[i].Sale;
            // Backtests may price from later sales too: distance in time, either way.
            var ageDays = Math.Abs((context.PricingDate - sale.SoldAt).TotalDays);
            recency[i] = Math.Pow(2, -ageDays / settings.RecencyHalfLife.TotalDays);
            rawWeights[i] = Math.Max(0, hits[i].Similarity) * recency[i];
            seasonalFactors[i] = context.Seasonal.Factor(Seasons.QuarterNumber(sale.SoldAt), context.TargetQuarter, settings.MaxSeasonalFactor);
            conditionFactors[i] = _ladder.Factor(sale.Condition, context.Query.Condition);
            sold[i] = (double)sale.SoldPrice;
            seasonalAdjusted[i] = sold[i] * seasonalFactors[i];
            conditionAdjusted[i] = seasonalAdjusted[i] * conditionFactors[i];
        }

        var weights = Normalise(rawWeights);
        var basePrice = Estimate(sold, weights, settings.Estimator);
        var afterSeasonal = Estimate(seasonalAdjusted, weights, settings.Estimator);
        var afterCondition = Estimate(conditionAdjusted, weights, settings.Estimator);
        var quality = context.QualityMultiplier;
        var price = afterCondition * quality;
        var adjusted = conditionAdjusted.Select(p => p * quality).ToArray();

        var low = Math.Min(price, WeightedStatistics.Quantile(adjusted, weights, settings.RangeLowQuantile));
        var high = Math.Max(price, WeightedStatistics.Quantile(adjusted, weights, settings.RangeHighQuantile));

        var meanSimilarity = hits.Average(h => (double)h.Similarity);
        double? cap = fallback is null ? null : settings.WidenedWindowConfidenceCap;
        var components = new ConfidenceComponents(
            Count: ConfidenceModel.CountComponent(n),
            Similarity: ConfidenceModel.SimilarityComponent(meanSimilarity, context.Threshold),
            Dispersion: ConfidenceModel.DispersionComponent(adjusted, weights, price),
            Recency: recency.Average(),
            Cap: cap);
        var confidence = ConfidenceModel.Combine(components);

        var comparables = new Comparable[n];
        for (var i = 0; i < n; i++)
        {
            var sale = hits[i].Sale;
            comparables[i] = new Comparable
            {
                SaleId = sale.SaleId,
                ProductId = sale.ProductId,
                Brand = sale.Brand,
                Title = sale.Title,
                Condition = sale.Condition?.ToWireName(),
                SoldAt = sale.SoldAt,
                SoldPrice = sale.SoldPrice,
                AdjustedPrice = Money(adjusted[i]),
                Similarity = Math.Round(hits[i].Similarity, 4),
                RecencyWeight = Math.Round(recency[i], 4),
                Weight = weights[i],
                SeasonalFactor = Math.Round(seasonalFactors[i], 4),
                ConditionFactor = Math.Round(conditionFactors[i], 4),
                ImageUrl = sale.ImageKey,
            };
        }

        var adjustments = Adjustments(context, basePrice, afterSeasonal, afterCondition);
        var explanation = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Anchored on {n} sold item(s) that look alike: mean similarity {meanSimilarity:0.00} (threshold {context.Threshold:0.00}), the closest {hits[0].Similarity:0.00}."),
            string.Create(CultureInfo.InvariantCulture, $"Each weighted by similarity × recency (half-life {settings.RecencyHalfLife.TotalDays:0} days); {EstimatorName(settings.Estimator)} of their prices: {basePrice:0.00} {currency}."),
        };
        explanation.AddRange(AdjustmentLines(context, adjustments));
        explanation.Add(string.Create(CultureInfo.InvariantCulture, $"Range P{settings.RangeLowQuantile * 100:0}–P{settings.RangeHighQuantile * 100:0} of the adjusted comparables: {low:0.00}–{high:0.00} {currency}."));
        if (fallback is not null)
        {
            explanation.Add(fallback.Reason);
        }

        explanation.Add(ConfidenceLine(confidence, components));

        return new PricingSuggestion
        {
            Price = Money(price),
            Currency = currency,
            Range = new PriceRange(Money(low), Money(high)),
            Confidence = Math.Round(confidence, 4),
            ConfidenceComponents = Round(components),
            Comparables = comparables,
            Adjustments = adjustments,
            Fallback = fallback,
            Explanation = explanation,
            Timings = new PhaseTimings(0, 0, 0, 0, 0, 0),
            EmbeddingModel = context.Query.EmbeddingModel,
            PricingDate = context.PricingDate,
        };
    }

    /// <summary>Fallbacks when too few items look alike: the brand's median in the category, then the category's.</summary>
    private PricingSuggestion? FromMedians(PricingContext context, IReadOnlyList<SaleRecord> categorySales, int similarCount)
    {
        var settings = context.Settings;
        var query = context.Query;
        var eligible = categorySales
            .Where(s => !query.ExcludedSaleIds.Contains(s.SaleId))
            .Where(s => !query.ApplyLookback || s.SoldAt <= (query.CandidatesUntil ?? context.PricingDate))
            .ToList();

        string kind;
        string reason;
        List<SaleRecord> pool;
        double cap;
        var brandPool = query.Brand is { Length: > 0 } brand
            ? eligible.Where(s => string.Equals(s.Brand, brand, StringComparison.OrdinalIgnoreCase)).ToList()
            : [];
        if (brandPool.Count >= settings.MinFallbackSales)
        {
            (kind, pool, cap) = (FallbackKinds.BrandCategoryMedian, brandPool, settings.BrandMedianConfidenceCap);
            reason = $"Only {similarCount} similar-looking sale(s); priced from the median of {brandPool.Count} '{query.Brand}' sales in '{query.Category}'.";
        }
        else if (eligible.Count >= settings.MinFallbackSales)
        {
            (kind, pool, cap) = (FallbackKinds.CategoryMedian, eligible, settings.CategoryMedianConfidenceCap);
            reason = $"Only {similarCount} similar-looking sale(s); priced from the median of {eligible.Count} sales in '{query.Category}'.";
        }
        else
        {
            return null;
        }

        var currency = MajorityCurrency(pool);
        pool = pool.Where(s => s.Currency == currency).ToList();
        var n = pool.Count;
        var sold = new double[n];
        var seasonalAdjusted = new double[n];
        var conditionAdjusted = new double[n];
        var equal = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sale = pool[i];
            sold[i] = (double)sale.SoldPrice;
            seasonalAdjusted[i] = sold[i] * context.Seasonal.Factor(Seasons.QuarterNumber(sale.SoldAt), context.TargetQuarter, settings.MaxSeasonalFactor);
            conditionAdjusted[i] = seasonalAdjusted[i] * _ladder.Factor(sale.Condition, query.Condition);
            equal[i] = 1.0 / n;
        }

        var basePrice = WeightedStatistics.Quantile(sold, equal, 0.5);
        var afterSeasonal = WeightedStatistics.Quantile(seasonalAdjusted, equal, 0.5);
        var afterCondition = WeightedStatistics.Quantile(conditionAdjusted, equal, 0.5);
        var price = afterCondition * context.QualityMultiplier;
        var adjusted = conditionAdjusted.Select(p => p * context.QualityMultiplier).ToArray();
        var low = Math.Min(price, WeightedStatistics.Quantile(adjusted, equal, settings.RangeLowQuantile));
        var high = Math.Max(price, WeightedStatistics.Quantile(adjusted, equal, settings.RangeHighQuantile));
        var components = new ConfidenceComponents(
            Count: ConfidenceModel.CountComponent(n),
            Similarity: 0,
            Dispersion: ConfidenceModel.DispersionComponent(adjusted, equal, price),
            Recency: 0,
            Cap: cap);
        var confidence = ConfidenceModel.Combine(components);
        var adjustments = Adjustments(context, basePrice, afterSeasonal, afterCondition) with { Estimator = "median" };
        var explanation = new List<string> { reason };
        explanation.AddRange(AdjustmentLines(context, adjustments));
        explanation.Add(string.Create(CultureInfo.InvariantCulture, $"Range P{settings.RangeLowQuantile * 100:0}–P{settings.RangeHighQuantile * 100:0} of those sales: {low:0.00}–{high:0.00} {currency}."));
        explanation.Add(ConfidenceLine(confidence, components));

        return new PricingSuggestion
        {
            Price = Money(price),
            Currency = currency,
            Range = new PriceRange(Money(low), Money(high)),
            Confidence = Math.Round(confidence, 4),
            ConfidenceComponents = Round(components),
            Comparables = [],
            Adjustments = adjustments,
            Fallback = new FallbackInfo(kind, reason),
            Explanation = explanation,
            Timings = new PhaseTimings(0, 0, 0, 0, 0, 0),
            EmbeddingModel = query.EmbeddingModel,
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

    private static string ConfidenceLine(double confidence, ConfidenceComponents c)
    {
        var level = confidence >= 0.7 ? "high" : confidence >= 0.45 ? "medium" : "low";
        var capped = c.Cap is { } cap ? string.Create(CultureInfo.InvariantCulture, $", capped at {cap:0.00} by the fallback") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"Confidence {confidence:0.00} ({level}): similarity {c.Similarity:0.00}, count {c.Count:0.00}, agreement {c.Dispersion:0.00}, recency {c.Recency:0.00}{capped}.");
    }

    private static double Estimate(double[] values, double[] weights, PriceEstimator estimator) => estimator switch
    {
        PriceEstimator.WeightedMean => WeightedStatistics.Mean(values, weights),
        _ => WeightedStatistics.Quantile(values, weights, 0.5),
    };

    private static string EstimatorName(PriceEstimator estimator) =>
        estimator == PriceEstimator.WeightedMean ? "weighted mean" : "weighted median";

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
