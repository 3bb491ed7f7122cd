using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Pricing.Engine;

/// <summary>
/// The seed's four phases over the in-memory sales index: candidates (tenant, category, window),
/// similarity (cosine, threshold, top K), quality and condition, weighted price with seasonal adjustment,
/// range and confidence. Deterministic for the same query and data: the candidates come from the index port's awaited search
/// (which a remote engine may serve), everything after it is pure computation on what came back.
/// </summary>
public sealed class VisualSimilarityPricingEngine(
    ISalesIndex index, IOptions<PricingOptions> options, TimeProvider time, RangeCalibrations? calibrations = null, ITitleVectoriser? titles = null)
{
    private const int CandidatePoolFactor = 5;
    private const int MaxSeasonalEntries = 10_000;
    private readonly ConcurrentDictionary<(TenantId, string, long), (long Version, SeasonalIndex Index)> _seasonal = new();
    private readonly ITitleVectoriser _titles = titles ?? new TrigramTitleVectoriser();
    private readonly ConcurrentDictionary<(TenantId, string, long, string, ItemCondition?), (long Version, (SaleRecord[] Sales, double Median)? Level)> _levels = new();
    private readonly ConditionLadder _ladder = new(options.Value.ConditionLadder);

    /// <summary>
    /// <see cref="CalculateAsync"/> for callers that price many items in a loop over an index held in memory (backtests,
    /// range calibration): that index answers synchronously, so nothing blocks; a remote index would block here.
    /// </summary>
    public PricingResult Calculate(PricingQuery query)
    {
        var pending = CalculateAsync(query, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask<PricingResult> CalculateAsync(PricingQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var settings = options.Value;
        var started = time.GetTimestamp();
        var pricingDate = query.PricingDate ?? time.GetUtcNow();
        var threshold = settings.MinSimilarityFor(query.EmbeddingModel);

        var categorySales = index.GetCategorySales(query.Tenant, query.Category);
        if (categorySales.Sales.Count == 0)
        {
            return PricingResult.CannotPrice($"No sales history for category '{query.Category}' in this tenant: nothing to anchor a price on.");
        }

        var cutoff = query.ApplyLookback ? query.CandidatesUntil ?? pricingDate : (DateTimeOffset?)null;
        var seasonal = SeasonalIndexFor(query.Tenant, query.Category, categorySales, settings.SeasonalShrinkage, query.CandidatesUntil);
        var candidatesDone = time.GetTimestamp();

        IReadOnlyList<ScoredHit> hits = [];
        FallbackInfo? fallback = null;
        var windows = query.ApplyLookback ? Windows(settings) : [null];
        foreach (var window in windows)
        {
            var filter = new SearchFilter(window is { } w ? pricingDate - w : null, cutoff, query.ExcludedSaleIds);
            var plan = PlanComparables(query, filter, threshold, settings);
            var found = await index.SearchAsync(
                query.Tenant, query.Category, query.EmbeddingModel, query.PhotoEmbeddings, plan.Filter, plan.K, plan.MinSimilarity, cancellationToken);
            hits = ScoreComparables(query, plan, found, threshold, settings);
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

    /// <summary>The lookback windows tried in turn: the first, the widened one, then doubling up to the maximum.</summary>
    private static TimeSpan?[] Windows(PricingOptions settings)
    {
        var windows = new List<TimeSpan?> { settings.LookbackWindow };
        var next = settings.WidenedLookbackWindow;
        while (next > windows[^1] && next <= settings.MaxLookbackWindow)
        {
            windows.Add(next);
            next *= 2;
        }

        if (settings.MaxLookbackWindow > windows[^1])
        {
            windows.Add(settings.MaxLookbackWindow);
        }

        return [.. windows];
    }

    /// <summary>
    /// Phase 2 on every signal a sale carries: candidates by image cosine (the threshold lowered by what brand and title could
    /// add) and every sale of the query's brand, each scored image + brand + title, kept at or above the threshold, best K.
    /// This part says what to ask the index for; <see cref="ScoreComparables"/> scores what it answered.
    /// </summary>
    private ComparablesPlan PlanComparables(PricingQuery query, SearchFilter filter, double threshold, PricingOptions settings)
    {
        var hasBrand = settings.BrandWeight > 0 && !string.IsNullOrWhiteSpace(query.Brand);
        var queryTitle = settings.TitleWeight > 0 ? _titles.For(query.Tenant, query.Title) : null;
        var bonus = (hasBrand ? settings.BrandWeight : 0) + (queryTitle is null ? 0 : settings.TitleWeight);
        if (bonus == 0)
        {
            return new ComparablesPlan(filter, settings.MaxComparables, (float)threshold, Rescore: false, hasBrand, queryTitle);
        }

        var pool = settings.MaxComparables * CandidatePoolFactor;
        // One scan ranks image cosine + brand bonus; the title, known only for the pool, is added after.
        var floor = (float)(threshold - (queryTitle is null ? 0 : settings.TitleWeight));
        var boosted = hasBrand ? filter with { BoostedBrand = query.Brand, BrandBoost = (float)settings.BrandWeight } : filter;
        return new ComparablesPlan(boosted, pool, floor, Rescore: true, hasBrand, queryTitle);
    }

    private IReadOnlyList<ScoredHit> ScoreComparables(
        PricingQuery query, ComparablesPlan plan, IReadOnlyList<SimilarityHit> found, double threshold, PricingOptions settings)
    {
        if (!plan.Rescore)
        {
            return found.Select(h => new ScoredHit(h.Sale, h.Similarity, h.Similarity, false, 0)).ToArray();
        }

        var (hasBrand, queryTitle) = (plan.HasBrand, plan.QueryTitle);
        var scored = new List<ScoredHit>(found.Count);
        foreach (var hit in found)
        {
            var brandMatch = hasBrand && string.Equals(hit.Sale.Brand, query.Brand, StringComparison.OrdinalIgnoreCase);
            var image = hit.Similarity - (brandMatch ? (float)settings.BrandWeight : 0);
            var title = queryTitle is null ? 0 : TitleModels.Cosine(queryTitle, _titles.For(query.Tenant, hit.Sale.Title));
            var score = image + (brandMatch ? settings.BrandWeight : 0) + settings.TitleWeight * title;
            if (score >= threshold)
            {
                scored.Add(new ScoredHit(hit.Sale, score, image, brandMatch, title));
            }
        }

        return scored
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Sale.SaleId, StringComparer.Ordinal)
            .Take(settings.MaxComparables)
            .ToArray();
    }

    /// <summary>What one lookback window asks the index for, and how its answer is scored.</summary>
    private sealed record ComparablesPlan(SearchFilter Filter, int K, float MinSimilarity, bool Rescore, bool HasBrand, float[]? QueryTitle);

    /// <summary>A comparable's score on every signal, and its parts.</summary>
    private readonly record struct ScoredHit(SaleRecord Sale, double Score, double Image, bool BrandMatch, double Title);

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

        string[] opening =
        [
            string.Create(CultureInfo.InvariantCulture, $"Anchored on {n} sold item(s) that look alike: mean similarity {meanSimilarity:0.00} (threshold {context.Threshold:0.00}), the closest {hits[0].Score:0.00}."),
            string.Create(CultureInfo.InvariantCulture, $"Each weighted by closeness × recency (half-life {settings.RecencyHalfLife.TotalDays:0} days); {EstimatorName(settings.Estimator)} of their prices: {priced.Base:0.00} {currency}."),
        ];
        return Suggestion(context, priced, currency, components, comparables, fallback, EstimatorName(settings.Estimator), opening, "the adjusted comparables");
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
                $"Only {similarCount} similar-looking sale(s); priced from the median of {brandPool.Count} '{query.Brand}' sales in '{query.Category}'.");
        }
        else if (eligible.Count >= settings.MinFallbackSales)
        {
            (pool, cap) = (eligible, settings.CategoryMedianConfidenceCap);
            fallback = new FallbackInfo(FallbackKinds.CategoryMedian,
                $"Only {similarCount} similar-looking sale(s); priced from the median of {eligible.Count} sales in '{query.Category}'.");
        }
        else
        {
            return null;
        }

        var currency = MajorityCurrency(pool);
        var sales = pool.Where(s => s.Currency == currency).ToArray();
        var equal = Enumerable.Repeat(1.0 / sales.Length, sales.Length).ToArray();
        var priced = Adjust(context, sales, equal, PriceEstimator.WeightedMedian);
        var components = new ConfidenceComponents(
            Count: ConfidenceModel.CountComponent(sales.Length),
            Similarity: 0,
            Dispersion: ConfidenceModel.DispersionComponent(priced.Adjusted, equal, priced.Price),
            Recency: 0,
            Cap: cap);
        return Suggestion(context, priced, currency, components, [], fallback, "median", [fallback.Reason], "those sales");
    }

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

    /// <summary>
    /// A market level's pool and median (normalised to the target condition), cached per scope (the category, or a brand
    /// outside it), the scope's version, cutoff day, currency and condition: over a large category or the whole tenant it
    /// costs a scan and a sort, too much to repeat on every price. Backtests and exclusions compute it afresh.
    /// </summary>
    private (SaleRecord[] Sales, double Median)? CachedLevel(
        PricingContext context, string scope, long version, Func<IEnumerable<SaleRecord>> candidates, string currency,
        Func<SaleRecord, bool> known, Func<SaleRecord, double> normalised)
    {
        var query = context.Query;
        var cacheable = query.ExcludedSaleIds.Count == 0 && !query.CandidatesUntil.HasValue;
        var cutoff = query.ApplyLookback ? context.PricingDate.UtcDateTime.Date.Ticks : long.MaxValue;
        var key = (query.Tenant, scope, cutoff, currency, query.Condition);
        if (cacheable && _levels.TryGetValue(key, out var cached) && cached.Version == version)
        {
            return cached.Level;
        }

        var pool = candidates().Where(known).ToArray();
        (SaleRecord[], double)? level = pool.Length > 0 ? (pool, WeightedStatistics.Median(pool.Select(normalised).ToArray())) : null;
        if (cacheable)
        {
            if (_levels.Count > MaxSeasonalEntries)
            {
                _levels.Clear();
            }

            _levels[key] = (version, level);
        }

        return level;
    }

    /// <summary>
    /// A level the tenant's history sets for the item: the brand's in the category, else the brand's, else the category's median;
    /// a brand's level is shrunk toward the category's by its count (<see cref="PricingOptions.MarketLevelShrinkage"/>).
    /// </summary>
    private sealed record MarketLevel(string Source, int Sales, double Median, double Factor)
    {
        /// <summary>How a brand's level was drawn toward its category's (empirical Bayes); null for a plain median.</summary>
        public string? Shrinkage { get; init; }
    }

    /// <summary>
    /// Draws the comparables' price toward the item's market level (a weighted geometric mean): look-alikes alone are noisy, and the
    /// backtest on real sold prices shows the blend cuts the typical error (docs/decisions/pricing-signals.md).
    /// </summary>
    private Priced WithMarketLevel(PricingContext context, Priced priced, string currency)
    {
        var settings = context.Settings;
        if (settings.MarketLevelWeight <= 0 || priced.Price <= 0)
        {
            return priced;
        }

        var query = context.Query;
        var until = query.ApplyLookback ? query.CandidatesUntil ?? context.PricingDate : DateTimeOffset.MaxValue;
        var from = query.ApplyLookback ? context.PricingDate - settings.MaxLookbackWindow : DateTimeOffset.MinValue;
        bool Known(SaleRecord s) => s.SoldAt >= from && s.SoldAt <= until && s.Currency == currency && !query.ExcludedSaleIds.Contains(s.SaleId);
        bool OfBrand(SaleRecord s) => !string.IsNullOrWhiteSpace(query.Brand) && string.Equals(s.Brand, query.Brand, StringComparison.OrdinalIgnoreCase);
        double Normalised(SaleRecord s) => (double)s.SoldPrice * _ladder.Factor(s.Condition, query.Condition);

        var categorySales = index.GetCategorySales(query.Tenant, query.Category);
        var brandInCategory = string.IsNullOrWhiteSpace(query.Brand) ? [] : categorySales.Sales.Where(s => OfBrand(s) && Known(s)).ToArray();
        var brandLevel = brandInCategory.Length > 0
            ? ($"'{query.Brand}' in '{query.Category}'", brandInCategory, WeightedStatistics.Median(brandInCategory.Select(Normalised).ToArray()))
            : !string.IsNullOrWhiteSpace(query.Brand)
              && CachedLevel(context, $"brand:{query.Brand.ToUpperInvariant()}|outside:{query.Category}", index.Count(query.Tenant),
                  () => index.GetCategories(query.Tenant).Where(c => c != query.Category)
                      .SelectMany(c => index.GetCategorySales(query.Tenant, c).Sales).Where(OfBrand),
                  currency, Known, Normalised) is { } outside
                ? ($"'{query.Brand}' in other categories", outside.Sales, outside.Median)
                : ((string Source, SaleRecord[] Sales, double Median)?)null;
        var categoryLevel = CachedLevel(context, $"category:{query.Category}", categorySales.Version, () => categorySales.Sales, currency, Known, Normalised);

        (string Source, SaleRecord[] Sales) chosen;
        double median;
        string? shrunk = null;
        if (brandLevel is { } brand && settings.MarketLevelShrinkage > 0 && categoryLevel is { Median: > 0 } shrinkTo)
        {
            // Empirical Bayes: the brand's own (geometric) level, trusted by how often it sold: n / (n + k) of the way from the category's.
            var n = brand.Sales.Length;
            var logMean = brand.Sales.Average(s => Math.Log(Math.Max(0.01, Normalised(s))));
            var k = settings.MarketLevelShrinkage;
            chosen = (brand.Source, brand.Sales);
            median = Math.Exp((n * logMean + k * Math.Log(shrinkTo.Median)) / (n + k));
            shrunk = string.Create(CultureInfo.InvariantCulture,
                $"their geometric mean {Math.Exp(logMean):0.00} trusted {n / (n + k):P0} by count, the rest from '{query.Category}''s median {shrinkTo.Median:0.00}");
        }
        else if (brandLevel is { } plain)
        {
            chosen = (plain.Source, plain.Sales);
            median = plain.Median;
        }
        else if (categoryLevel is { } category)
        {
            chosen = ($"'{query.Category}'", category.Sales);
            median = category.Median;
        }
        else
        {
            return priced;
        }

        median *= context.QualityMultiplier;
        if (median <= 0)
        {
            return priced;
        }

        var w = settings.MarketLevelWeight;
        var price = Math.Exp((1 - w) * Math.Log(priced.Price) + w * Math.Log(median));
        return priced with
        {
            Price = price,
            Low = Math.Min(priced.Low, price),
            High = Math.Max(priced.High, price),
            Level = new MarketLevel(chosen.Source, chosen.Sales.Length, median, price / priced.Price) { Shrinkage = shrunk },
        };
    }

    private PricingSuggestion Suggestion(PricingContext context, Priced priced, string currency, ConfidenceComponents components,
        Comparable[] comparables, FallbackInfo? fallback, string estimator, IEnumerable<string> opening, string rangeOf)
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

        explanation.Add(ConfidenceLine(confidence, components));
        return new PricingSuggestion
        {
            Price = Money(priced.Price),
            Currency = currency,
            Range = new PriceRange(Money(priced.Low), Money(priced.High)),
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
