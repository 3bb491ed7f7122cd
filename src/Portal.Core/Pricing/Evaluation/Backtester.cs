using System.Globalization;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Learning;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Evaluation;

public enum BacktestProtocol
{
    /// <summary>Each item priced from all the others in its window (before and after its sale).</summary>
    Loo,
    /// <summary>Each item priced only from items sold before it, as in production.</summary>
    Time,
}

/// <summary>One sold item to price again: the sale, its photo's embedding, and an expert's estimate when the data has one.</summary>
public sealed record BacktestItem(SaleRecord Sale, StoredEmbedding Embedding, decimal? Estimate = null);

/// <summary>
/// Backtests the engine on sales already in the index: each item is priced as if it were new, as of its own sale date,
/// from its own photo's embedding, and compared with what it actually sold for, next to baselines priced from the same
/// history (category median, brand+category median, and the expert's estimate when there is one).
/// </summary>
/// <remarks>
/// In the time-ordered protocol nothing sees the future: candidates, medians and the seasonal index come from sales strictly
/// before the item's date, and the range calibration from the errors of items priced earlier (split conformal, refitted
/// after each sale date).
/// </remarks>
public sealed class Backtester(ISalesIndex index, VisualSimilarityPricingEngine engine, PricingOptions options, bool learned = false)
{
    /// <summary>Where the learning rows go as CSV (features as they stood on each item's date), for analysis; null writes none.</summary>
    public TextWriter? FeaturesOut { get; init; }

    /// <summary>
    /// Where each priced item goes as one CSV row (what it sold for, the suggestion, its confidence parts and its comparables'
    /// spread), for analysis of what predicts the error; null writes none.
    /// </summary>
    public TextWriter? PredictionsOut { get; init; }

    /// <summary>The learned layer is retrained once the history has grown by this share since the last training.</summary>
    private const double RetrainGrowth = 0.10;
    private const int CrossFitFolds = 5;

    public EvaluationReport Run(TenantId tenant, IReadOnlyList<BacktestItem> items, BacktestProtocol protocol, bool dated)
    {
        ArgumentNullException.ThrowIfNull(items);
        var ordered = items.OrderBy(i => i.Sale.SoldAt).ThenBy(i => i.Sale.SaleId, StringComparer.Ordinal).ToArray();
        var priced = PriceEach(tenant, ordered, protocol, dated);
        var unpriced = ordered.Length - priced.Count;
        if (FeaturesOut is { } writer && learned)
        {
            WriteFeatures(writer, priced);
        }

        if (learned)
        {
            priced = protocol == BacktestProtocol.Time && dated ? LearnInTimeOrder(priced) : LearnCrossFitted(priced);
        }

        var engineOutcomes = Calibrated(priced, protocol, dated);
        if (PredictionsOut is { } predictions)
        {
            WritePredictions(predictions, priced, engineOutcomes);
        }

        return new EvaluationReport
        {
            Protocol = protocol.ToString().ToLowerInvariant(),
            N = engineOutcomes.Count,
            Unpriced = unpriced,
            LookbackApplied = dated,
            Note = dated ? null : "Items have no sale date: all were treated as sold on one day and the lookback window was not applied.",
            Estimator = options.Estimator.ToString(),
            MaxComparables = options.MaxComparables,
            Settings = Describe(options) + (learned ? " +learned" : string.Empty),
            Metrics = EvaluationMetrics.From(engineOutcomes),
            Uncalibrated = EvaluationMetrics.From(priced.Select(p => Raw(p)).ToArray()),
            ByConfidence = EvaluationMetrics.ByConfidenceTercile(engineOutcomes),
            Baselines = Baselines(priced, protocol, dated),
        };
    }

    /// <summary>
    /// The tenant's range calibration: the items priced in time order (each from the sales before it) and the narrowest ranges
    /// holding the configured share of their errors, per confidence band. Null when too few items priced.
    /// </summary>
    public RangeCalibration? Calibrate(TenantId tenant, IReadOnlyList<BacktestItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var residuals = new List<(double Confidence, double LogError)>(items.Count);
        foreach (var item in items.OrderBy(i => i.Sale.SoldAt))
        {
            if (engine.Calculate(QueryFor(tenant, item, BacktestProtocol.Time, dated: true)).Suggestion is { } suggestion && suggestion.Price > 0)
            {
                residuals.Add((suggestion.Confidence, Math.Log((double)(item.Sale.SoldPrice / suggestion.Price))));
            }
        }

        return RangeCalibration.Fit(residuals, options.CalibratedCoverage, options.CalibrationBands);
    }

    /// <summary>The settings that distinguish one sweep row from another.</summary>
    public static string Describe(PricingOptions o) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"level={o.MarketLevelWeight:0.##} shrink={o.MarketLevelShrinkage:0.##} cov={o.CalibratedCoverage:0.##} bands={o.CalibrationBands} k={o.MaxComparables} thr={o.DefaultMinSimilarity:0.##} brand={o.BrandWeight:0.##} title={o.TitleWeight:0.##} title-model={o.TitleModel} temp={o.SimilarityTemperature:0.###} half-life={o.RecencyHalfLife.TotalDays:0}d window={o.LookbackWindow.TotalDays:0}-{o.MaxLookbackWindow.TotalDays:0}d {EstimatorName(o.Estimator)}");

    private static string EstimatorName(PriceEstimator estimator) => estimator switch
    {
        PriceEstimator.WeightedMean => "mean",
        PriceEstimator.WeightedGeometricMean => "geomean",
        _ => "median",
    };

    /// <summary>Each item priced by the engine as of its sale date (with its learning features when the learned layer is on); unpriced items left out.</summary>
    private List<PricedItem> PriceEach(TenantId tenant, BacktestItem[] ordered, BacktestProtocol protocol, bool dated)
    {
        var priced = new List<PricedItem>(ordered.Length);
        foreach (var item in ordered)
        {
            var query = QueryFor(tenant, item, protocol, dated);
            if (engine.Calculate(query).Suggestion is { } suggestion)
            {
                var features = learned
                    ? PriceFeatures.From(suggestion, SaleHistory.Of(index, query, suggestion.Currency, options, suggestion.PricingDate))
                    : null;
                priced.Add(new PricedItem(item, suggestion, features, (double)suggestion.Price));
            }
        }

        return priced;
    }

    private static void WriteFeatures(TextWriter writer, IReadOnlyList<PricedItem> priced)
    {
        writer.WriteLine("sold_at,actual,estimate," + string.Join(',', PriceFeatures.Names));
        foreach (var p in priced)
        {
            writer.WriteLine(string.Join(',', new[] { p.Item.Sale.SoldAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ((double)p.Item.Sale.SoldPrice).ToString(CultureInfo.InvariantCulture), p.Item.Estimate?.ToString(CultureInfo.InvariantCulture) ?? string.Empty }
                .Concat(p.Features!.Select(f => f.ToString(CultureInfo.InvariantCulture)))));
        }
    }

    /// <summary>The baselines, priced from the same history as the engine: category median, brand+category median, the expert.</summary>
    private BaselineReport Baselines(IReadOnlyList<PricedItem> priced, BacktestProtocol protocol, bool dated)
    {
        var category = new List<Outcome>();
        var brand = new List<Outcome>();
        var expert = new List<Outcome>();
        foreach (var p in priced)
        {
            var actual = (double)p.Item.Sale.SoldPrice;
            var pool = BaselinePool(p.Item.Sale, protocol, dated).ToArray();
            if (pool.Length > 0)
            {
                var categoryPrices = pool.Select(s => (double)s.SoldPrice).ToArray();
                category.Add(Baseline(actual, categoryPrices));
                var brandPrices = pool.Where(s => p.Item.Sale.Brand is not null && string.Equals(s.Brand, p.Item.Sale.Brand, StringComparison.OrdinalIgnoreCase))
                    .Select(s => (double)s.SoldPrice).ToArray();
                brand.Add(Baseline(actual, brandPrices.Length >= options.MinFallbackSales ? brandPrices : categoryPrices));
            }

            if (p.Item.Estimate is { } estimate && estimate > 0)
            {
                var value = (double)estimate;
                expert.Add(new Outcome(actual, value, value, value, 0, false));
            }
        }

        return new BaselineReport(EvaluationMetrics.From(category), EvaluationMetrics.From(brand), expert.Count > 0 ? EvaluationMetrics.From(expert) : null);
    }

    private PricingQuery QueryFor(TenantId tenant, BacktestItem item, BacktestProtocol protocol, bool dated)
    {
        var sale = item.Sale;
        return new PricingQuery
        {
            Tenant = tenant,
            Category = sale.Category,
            Condition = sale.Condition,
            Brand = sale.Brand,
            Title = sale.Title,
            EmbeddingModel = item.Embedding.ModelId,
            Embedding = VectorMath.Normalize(item.Embedding.Vector),
            PricingDate = sale.SoldAt,
            // Time-ordered: strictly earlier sales only (a whole auction day is one moment). Leave-one-out: the window after too.
            CandidatesUntil = protocol == BacktestProtocol.Time ? sale.SoldAt.AddTicks(-1) : sale.SoldAt + options.LookbackWindow,
            ApplyLookback = dated,
            ExcludedSaleIds = new HashSet<string>(StringComparer.Ordinal) { sale.SaleId },
            SkipCalibration = true,
        };
    }

    /// <summary>
    /// The engine's outcomes with calibrated ranges: time-ordered, each item's range from the errors of items priced on earlier
    /// dates only; leave-one-out, from every other item's error.
    /// </summary>
    private List<Outcome> Calibrated(IReadOnlyList<PricedItem> priced, BacktestProtocol protocol, bool dated)
    {
        var outcomes = new List<Outcome>(priced.Count);
        var residuals = priced.Select(p => (p.Suggestion.Confidence, LogError: Math.Log((double)p.Item.Sale.SoldPrice / Math.Max(0.01, p.Final)))).ToArray();
        if (protocol == BacktestProtocol.Loo || !dated)
        {
            var all = RangeCalibration.Fit(residuals, options.CalibratedCoverage, options.CalibrationBands);
            for (var i = 0; i < priced.Count; i++)
            {
                outcomes.Add(WithCalibration(priced[i], all));
            }

            return outcomes;
        }

        RangeCalibration? calibration = null;
        var known = 0;
        for (var i = 0; i < priced.Count; i++)
        {
            // Refit only when the date moves on: everything already priced sold strictly earlier.
            if (i > known && priced[i].Item.Sale.SoldAt > priced[i - 1].Item.Sale.SoldAt)
            {
                known = i;
                calibration = RangeCalibration.Fit(residuals[..known], options.CalibratedCoverage, options.CalibrationBands);
            }

            outcomes.Add(WithCalibration(priced[i], calibration));
        }

        return outcomes;
    }

    private static Outcome WithCalibration(PricedItem p, RangeCalibration? calibration)
    {
        if (calibration is null)
        {
            return Raw(p);
        }

        var (low, high) = calibration.RangeFor(p.Final, p.Suggestion.Confidence);
        return Raw(p) with { Low = low, High = high };
    }

    private static Outcome Raw(PricedItem p) => new(
        (double)p.Item.Sale.SoldPrice, p.Final, Math.Min(p.Final, (double)p.Suggestion.Range.Low), Math.Max(p.Final, (double)p.Suggestion.Range.High),
        p.Suggestion.Confidence, p.Suggestion.Fallback is not null && p.Suggestion.Fallback.Kind != FallbackKinds.WidenedWindow);

    private static void WritePredictions(TextWriter writer, IReadOnlyList<PricedItem> priced, IReadOnlyList<Outcome> outcomes)
    {
        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        static string Q(string? v) => v is null ? string.Empty : "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        writer.WriteLine("sale_id,sold_at,category,brand,title,actual,estimate,predicted,low,high,confidence,similarity,count,dispersion,recency,fallback,comparables,market_level,level_source,best_score,brand_share,log_spread");
        for (var i = 0; i < priced.Count; i++)
        {
            var p = priced[i];
            var s = p.Suggestion;
            var comps = s.Comparables;
            var logs = comps.Select(c => Math.Log(Math.Max(0.01, (double)c.AdjustedPrice))).ToArray();
            var weights = comps.Select(c => c.Weight).ToArray();
            var mean = logs.Length > 0 ? WeightedStatistics.Mean(logs, weights) : 0;
            var spread = logs.Length > 0 ? Math.Sqrt(WeightedStatistics.Mean(logs.Select(l => (l - mean) * (l - mean)).ToArray(), weights)) : double.NaN;
            writer.WriteLine(string.Join(',',
                Q(p.Item.Sale.SaleId), p.Item.Sale.SoldAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Q(p.Item.Sale.Category), Q(p.Item.Sale.Brand), Q(p.Item.Sale.Title),
                F((double)p.Item.Sale.SoldPrice), p.Item.Estimate?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, F(p.Final), F(outcomes[i].Low), F(outcomes[i].High),
                F(s.Confidence), F(s.ConfidenceComponents.Similarity), F(s.ConfidenceComponents.Count), F(s.ConfidenceComponents.Dispersion), F(s.ConfidenceComponents.Recency),
                s.Fallback?.Kind ?? string.Empty, comps.Count.ToString(CultureInfo.InvariantCulture), F(s.Adjustments.MarketLevel), Q(s.Adjustments.MarketLevelSource),
                comps.Count > 0 ? F(comps.Max(c => c.Similarity)) : string.Empty, comps.Count > 0 ? F(comps.Where(c => c.BrandMatch).Sum(c => c.Weight)) : string.Empty,
                double.IsNaN(spread) ? string.Empty : F(spread)));
        }
    }

    /// <summary>The baselines' history: every other sale of the category the engine could have seen (its widest window).</summary>
    private IEnumerable<SaleRecord> BaselinePool(SaleRecord sale, BacktestProtocol protocol, bool dated)
    {
        var all = index.GetCategorySales(sale.Tenant, sale.Category).Sales;
        var until = protocol == BacktestProtocol.Loo ? sale.SoldAt + options.LookbackWindow : sale.SoldAt.AddTicks(-1);
        var from = sale.SoldAt - options.MaxLookbackWindow;
        foreach (var other in all)
        {
            if (other.SaleId == sale.SaleId || (dated && (other.SoldAt < from || other.SoldAt > until)))
            {
                continue;
            }

            yield return other;
        }
    }

    private static Outcome Baseline(double actual, double[] prices)
    {
        var median = WeightedStatistics.Median(prices);
        var equal = Enumerable.Repeat(1.0, prices.Length).ToArray();
        return new Outcome(actual, median,
            WeightedStatistics.Quantile(prices, equal, 0.10),
            WeightedStatistics.Quantile(prices, equal, 0.90), 0, false);
    }

    /// <summary>Each date's items priced by a model trained only on items of earlier dates (features as they stood then).</summary>
    private static List<PricedItem> LearnInTimeOrder(List<PricedItem> priced)
    {
        var result = new List<PricedItem>(priced.Count);
        LearnedPriceModel? model = null;
        var trainedOn = 0;
        var known = 0;
        for (var i = 0; i < priced.Count; i++)
        {
            if (i > known && priced[i].Item.Sale.SoldAt > priced[i - 1].Item.Sale.SoldAt)
            {
                known = i;
                if (known >= LearnedPriceModel.MinRows && (model is null || known >= trainedOn * (1 + RetrainGrowth)))
                {
                    model = LearnedPriceModel.Train(Rows(priced.Take(known)));
                    trainedOn = known;
                }
            }

            result.Add(model is null ? priced[i] : priced[i] with { Final = model.Predict(priced[i].Features!) });
        }

        return result;
    }

    /// <summary>Leave-one-out's counterpart for the learned layer: each fold priced by a model trained on the other folds.</summary>
    private static List<PricedItem> LearnCrossFitted(List<PricedItem> priced)
    {
        var result = priced.ToList();
        for (var fold = 0; fold < CrossFitFolds; fold++)
        {
            var model = LearnedPriceModel.Train(Rows(priced.Where((_, i) => i % CrossFitFolds != fold)));
            if (model is null)
            {
                return priced;
            }

            for (var i = fold; i < priced.Count; i += CrossFitFolds)
            {
                result[i] = priced[i] with { Final = model.Predict(priced[i].Features!) };
            }
        }

        return result;
    }

    private static List<LearningRow> Rows(IEnumerable<PricedItem> priced) =>
        priced.Select(p => new LearningRow(p.Features!, Math.Log((double)p.Item.Sale.SoldPrice), p.Item.Sale.SoldAt)).ToList();

    /// <summary>An item as the engine priced it, its learning features, and the final price (the learned layer's when it ran).</summary>
    private sealed record PricedItem(BacktestItem Item, PricingSuggestion Suggestion, float[]? Features, double Final);
}

/// <summary>One priced item: what it sold for, what was suggested, the range, the confidence, whether a median fallback priced it.</summary>
public readonly record struct Outcome(double Actual, double Predicted, double Low, double High, double Confidence, bool MedianFallback);
