using System.Globalization;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Engine;

/// <summary>Estimation: the seasonal index, the weighted price from comparables or from category medians, and the condition and seasonal adjustments.</summary>
public sealed partial class VisualSimilarityPricingEngine
{
    /// <summary>
    /// The category's seasonal index from the sales it may know: all of them in production, only those up to
    /// <paramref name="cutoff"/> when a backtest prices the past (so no price sees the future).
    /// </summary>
    private SeasonalIndex SeasonalIndexFor(TenantId tenant, string category, CategorySales sales, double shrinkage, DateTimeOffset? cutoff)
    {
        var key = (tenant, category, cutoff?.UtcTicks ?? long.MaxValue);
        if (_seasonal.TryGetValue(key, out var cached) && cached.Version == sales.Version)
        {
            return cached.Index;
        }

        if (_seasonal.Count > MaxSeasonalEntries)
        {
            _seasonal.Clear();
        }

        var known = cutoff is { } until ? sales.Sales.Where(s => s.SoldAt <= until).ToArray() : sales.Sales;
        var computed = SeasonalIndex.Compute(known, shrinkage);
        _seasonal[key] = (sales.Version, computed);
        return computed;
    }

    private sealed record PricingContext(PricingQuery Query, DateTimeOffset PricingDate, double Threshold, SeasonalIndex Seasonal, PricingOptions Settings)
    {
        public int TargetQuarter => Seasons.QuarterNumber(PricingDate);
        public double QualityMultiplier => Query.Quality?.Multiplier ?? 1.0;
    }

    private PricingSuggestion FromComparables(PricingContext context, IReadOnlyList<ScoredHit> allHits, FallbackInfo? fallback)
    {
        var settings = context.Settings;
        var currency = MajorityCurrency(allHits.Select(h => h.Sale));
        var hits = allHits.Where(h => h.Sale.Currency == currency).ToArray();
        var n = hits.Length;
        var recency = new double[n];
        var rawWeights = new double[n];
        var best = hits.Max(h => h.Score);
        for (var i = 0; i < n; i++)
        {
            // Backtests may price from later sales too: distance in time, either way.
            var ageDays = Math.Abs((context.PricingDate - hits[i].Sale.SoldAt).TotalDays);
            recency[i] = Math.Pow(2, -ageDays / settings.RecencyHalfLife.TotalDays);
            var closeness = settings.SimilarityTemperature > 0 ? Math.Exp((hits[i].Score - best) / settings.SimilarityTemperature) : Math.Max(0, hits[i].Score);
            rawWeights[i] = closeness * recency[i];
        }

        var weights = Normalise(rawWeights);
        var priced = WithMarketLevel(context, Adjust(context, hits.Select(h => h.Sale).ToArray(), weights, settings.Estimator), currency);
        var meanSimilarity = Math.Min(1, hits.Average(h => h.Score));
        var components = new ConfidenceComponents(
            Count: ConfidenceModel.CountComponent(n),
            Similarity: ConfidenceModel.SimilarityComponent(meanSimilarity, context.Threshold),
            Dispersion: ConfidenceModel.DispersionComponent(priced.Adjusted, weights, priced.Price),
            Recency: recency.Average(),
            Cap: fallback is null ? null : settings.WidenedWindowConfidenceCap);

        var comparables = Comparables(hits, priced, recency, weights);

        string[] opening =
        [
            string.Create(CultureInfo.InvariantCulture, $"Anchored on {n} sold item(s) that look alike: mean similarity {meanSimilarity:0.00} (threshold {context.Threshold:0.00}), the closest {hits[0].Score:0.00}."),
            string.Create(CultureInfo.InvariantCulture, $"Each weighted by closeness × recency (half-life {settings.RecencyHalfLife.TotalDays:0} days); {EstimatorName(settings.Estimator)} of their prices: {priced.Base:0.00} {currency}."),
        ];
        return Suggestion(context, priced, currency, components, comparables, [], fallback, EstimatorName(settings.Estimator), opening, "the adjusted comparables");
    }

    /// <summary>The comparables as shown: each hit with its adjusted price, its scores and its part of the weight.</summary>
    private static Comparable[] Comparables(ScoredHit[] hits, Priced priced, double[] recency, double[] weights)
    {
        var n = hits.Length;
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
                AdjustedPrice = Money(priced.Adjusted[i]),
                Similarity = Math.Round(hits[i].Score, 4),
                ImageSimilarity = Math.Round(hits[i].Image, 4),
                BrandMatch = hits[i].BrandMatch,
                TitleSimilarity = Math.Round(hits[i].Title, 4),
                RecencyWeight = Math.Round(recency[i], 4),
                Weight = weights[i],
                SeasonalFactor = Math.Round(priced.SeasonalFactors[i], 4),
                ConditionFactor = Math.Round(priced.ConditionFactors[i], 4),
                ImageKey = sale.ImageKey,
            };
        }

        return comparables;
    }

    /// <summary>Fallbacks when too few items look alike: the brand's median in the category, then the category's.</summary>
    private PricingSuggestion? FromMedians(PricingContext context, IReadOnlyList<SaleRecord> categorySales, IReadOnlyList<ScoredHit> lookAlikes)
    {
        var similarCount = lookAlikes.Count;
        var settings = context.Settings;
        var query = context.Query;
        var eligible = categorySales
            .Where(s => !query.ExcludedSaleIds.Contains(s.SaleId))
            .Where(s => !query.ApplyLookback || s.SoldAt <= (query.CandidatesUntil ?? context.PricingDate))
            .ToList();

        var brandPool = query.Brand is { Length: > 0 } brand
            ? eligible.Where(s => string.Equals(s.Brand, brand, StringComparison.OrdinalIgnoreCase)).ToList()
            : [];
        FallbackInfo fallback;
        List<SaleRecord> pool;
        double cap;
        if (brandPool.Count >= settings.MinFallbackSales)
        {
            (pool, cap) = (brandPool, settings.BrandMedianConfidenceCap);
            fallback = new FallbackInfo(FallbackKinds.BrandCategoryMedian,
                $"{SimilarSales(similarCount, settings.MinComparables)}; priced from the median of {brandPool.Count} '{query.Brand}' sales in '{query.Category}'.");
        }
        else if (eligible.Count >= settings.MinFallbackSales)
        {
            (pool, cap) = (eligible, settings.CategoryMedianConfidenceCap);
            fallback = new FallbackInfo(FallbackKinds.CategoryMedian,
                $"{SimilarSales(similarCount, settings.MinComparables)}; priced from the median of {eligible.Count} sales in '{query.Category}'.");
        }
        else
        {
            return null;
        }

        var currency = MajorityCurrency(pool);
        var sales = pool.Where(s => s.Currency == currency).ToArray();
        fallback = fallback with { Sales = sales.Length };
        var equal = Enumerable.Repeat(1.0 / sales.Length, sales.Length).ToArray();
        var priced = Adjust(context, sales, equal, PriceEstimator.WeightedMedian);
        var components = new ConfidenceComponents(
            Count: ConfidenceModel.CountComponent(sales.Length),
            Similarity: 0,
            Dispersion: ConfidenceModel.DispersionComponent(priced.Adjusted, equal, priced.Price),
            Recency: 0,
            Cap: cap);
        return Suggestion(context, priced, currency, components, [], NotUsed(context, lookAlikes), fallback, "median", [fallback.Reason], "those sales");
    }

    /// <summary>
    /// The look-alikes a fallback found too few of, as comparables with weight 0: shown beside the median so the analyst can
    /// judge them, adjusted like comparables would be, and not part of the price.
    /// </summary>
    private Comparable[] NotUsed(PricingContext context, IReadOnlyList<ScoredHit> lookAlikes) =>
        lookAlikes.Select(hit =>
        {
            var sale = hit.Sale;
            var seasonal = context.Seasonal.Factor(Seasons.QuarterNumber(sale.SoldAt), context.TargetQuarter, context.Settings.MaxSeasonalFactor);
            var condition = _ladder.Factor(sale.Condition, context.Query.Condition);
            var ageDays = Math.Abs((context.PricingDate - sale.SoldAt).TotalDays);
            return new Comparable
            {
                SaleId = sale.SaleId,
                ProductId = sale.ProductId,
                Brand = sale.Brand,
                Title = sale.Title,
                Condition = sale.Condition?.ToWireName(),
                SoldAt = sale.SoldAt,
                SoldPrice = sale.SoldPrice,
                AdjustedPrice = Money((double)sale.SoldPrice * seasonal * condition * context.QualityMultiplier),
                Similarity = Math.Round(hit.Score, 4),
                ImageSimilarity = Math.Round(hit.Image, 4),
                BrandMatch = hit.BrandMatch,
                TitleSimilarity = Math.Round(hit.Title, 4),
                RecencyWeight = Math.Round(Math.Pow(2, -ageDays / context.Settings.RecencyHalfLife.TotalDays), 4),
                Weight = 0,
                SeasonalFactor = Math.Round(seasonal, 4),
                ConditionFactor = Math.Round(condition, 4),
                ImageKey = sale.ImageKey,
            };
        }).ToArray();

    /// <summary>
    /// Each sale's price moved to the target season and condition, the estimator applied after each step (the waterfall),
    /// the quality multiplier on top, and the range as weighted quantiles of the fully adjusted prices.
    /// </summary>
    private Priced Adjust(PricingContext context, SaleRecord[] sales, double[] weights, PriceEstimator estimator)
    {
        var settings = context.Settings;
        var n = sales.Length;
        var sold = new double[n];
        var seasonalAdjusted = new double[n];
        var conditionAdjusted = new double[n];
        var seasonalFactors = new double[n];
        var conditionFactors = new double[n];
        for (var i = 0; i < n; i++)
        {
            seasonalFactors[i] = context.Seasonal.Factor(Seasons.QuarterNumber(sales[i].SoldAt), context.TargetQuarter, settings.MaxSeasonalFactor);
            conditionFactors[i] = _ladder.Factor(sales[i].Condition, context.Query.Condition);
            sold[i] = (double)sales[i].SoldPrice;
            seasonalAdjusted[i] = sold[i] * seasonalFactors[i];
            conditionAdjusted[i] = seasonalAdjusted[i] * conditionFactors[i];
        }

        var quality = context.QualityMultiplier;
        var basePrice = Estimate(sold, weights, estimator);
        var afterSeasonal = Estimate(seasonalAdjusted, weights, estimator);
        var afterCondition = Estimate(conditionAdjusted, weights, estimator);
        var price = afterCondition * quality;
        var adjusted = conditionAdjusted.Select(p => p * quality).ToArray();
        var low = Math.Min(price, WeightedStatistics.Quantile(adjusted, weights, settings.RangeLowQuantile));
        var high = Math.Max(price, WeightedStatistics.Quantile(adjusted, weights, settings.RangeHighQuantile));
        return new Priced(basePrice, afterSeasonal, afterCondition, price, low, high, adjusted, seasonalFactors, conditionFactors);
    }

    private sealed record Priced(
        double Base, double AfterSeasonal, double AfterCondition, double Price, double Low, double High,
        double[] Adjusted, double[] SeasonalFactors, double[] ConditionFactors)
    {
        /// <summary>The market level the comparables' price was drawn toward, and the factor it moved the price by.</summary>
        public MarketLevel? Level { get; init; }
    }
}
