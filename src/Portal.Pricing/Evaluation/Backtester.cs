using Portal.Pricing.Domain;
using Portal.Pricing.Engine;
using Portal.Pricing.Similarity;

namespace Portal.Pricing.Evaluation;

public enum BacktestProtocol
{
    /// <summary>Each item priced from all the others in its window (before and after its sale).</summary>
    Loo,
    /// <summary>Each item priced only from items sold before it, as in production.</summary>
    Time,
}

/// <summary>
/// Backtests the engine on sales already in the index: each item is priced as if it were new, from its own photo's
/// embedding, and compared with what it actually sold for, next to two baselines computed on the same candidates.
/// </summary>
public sealed class Backtester(ISalesIndex index, VisualSimilarityPricingEngine engine, PricingOptions options)
{
    public EvaluationReport Run(TenantId tenant, IReadOnlyList<(SaleRecord Sale, StoredEmbedding Embedding)> items, BacktestProtocol protocol, bool dated)
    {
        var engineOutcomes = new List<Outcome>();
        var categoryOutcomes = new List<Outcome>();
        var brandOutcomes = new List<Outcome>();
        var unpriced = 0;

        foreach (var (sale, embedding) in items)
        {
            var actual = (double)sale.SoldPrice;
            var query = new PricingQuery
            {
                Tenant = tenant,
                Category = sale.Category,
                Condition = sale.Condition,
                Brand = sale.Brand,
                EmbeddingModel = embedding.ModelId,
                Embedding = embedding.Vector,
                PricingDate = protocol == BacktestProtocol.Time ? sale.SoldAt.AddTicks(-1) : sale.SoldAt,
                CandidatesUntil = protocol == BacktestProtocol.Loo ? sale.SoldAt + options.LookbackWindow : null,
                ApplyLookback = dated,
                ExcludedSaleIds = new HashSet<string>(StringComparer.Ordinal) { sale.SaleId },
            };

            var result = engine.Calculate(query);
            if (result.Suggestion is not { } suggestion)
            {
                unpriced++;
                continue;
            }

            engineOutcomes.Add(new Outcome(actual, (double)suggestion.Price, (double)suggestion.Range.Low, (double)suggestion.Range.High,
                suggestion.Confidence, suggestion.Fallback is not null && suggestion.Fallback.Kind != FallbackKinds.WidenedWindow));

            // Baselines over the same candidate pool: every other sale of the category in the engine's window.
            var pool = BaselinePool(sale, protocol, dated);
            var categoryPrices = pool.Select(s => (double)s.SoldPrice).ToArray();
            if (categoryPrices.Length == 0)
            {
                continue;
            }

            categoryOutcomes.Add(Baseline(actual, categoryPrices));
            var brandPrices = pool.Where(s => sale.Brand is not null && string.Equals(s.Brand, sale.Brand, StringComparison.OrdinalIgnoreCase))
                .Select(s => (double)s.SoldPrice).ToArray();
            brandOutcomes.Add(Baseline(actual, brandPrices.Length >= options.MinFallbackSales ? brandPrices : categoryPrices));
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
            Metrics = EvaluationMetrics.From(engineOutcomes),
            ByConfidence = EvaluationMetrics.ByConfidenceTercile(engineOutcomes),
            Baselines = new BaselineReport(EvaluationMetrics.From(categoryOutcomes), EvaluationMetrics.From(brandOutcomes)),
        };
    }

    private IEnumerable<SaleRecord> BaselinePool(SaleRecord sale, BacktestProtocol protocol, bool dated)
    {
        var all = index.GetCategorySales(sale.Tenant, sale.Category).Sales;
        foreach (var other in all)
        {
            if (other.SaleId == sale.SaleId)
            {
                continue;
            }

            if (dated)
            {
                var until = protocol == BacktestProtocol.Loo ? sale.SoldAt + options.LookbackWindow : sale.SoldAt.AddTicks(-1);
                var from = (protocol == BacktestProtocol.Loo ? sale.SoldAt : sale.SoldAt.AddTicks(-1)) - options.LookbackWindow;
                if (other.SoldAt < from || other.SoldAt > until)
                {
                    continue;
                }
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
}

/// <summary>One priced item: what it sold for, what was suggested, the range, the confidence, whether a median fallback priced it.</summary>
public readonly record struct Outcome(double Actual, double Predicted, double Low, double High, double Confidence, bool MedianFallback);
