namespace Portal.Core.Pricing.Evaluation;

/// <summary>The backtest's figures, printed as one JSON object by <c>portal eval --json</c>.</summary>
public sealed record EvaluationReport
{
    public required string Protocol { get; init; }
    public required int N { get; init; }
    public required int Unpriced { get; init; }
    public required bool LookbackApplied { get; init; }
    public string? Note { get; init; }
    public required string Estimator { get; init; }
    public required int MaxComparables { get; init; }
    /// <summary>The settings this run used, in one line (a sweep prints one row each).</summary>
    public required string Settings { get; init; }
    /// <summary>The engine with calibrated ranges (the product's figures).</summary>
    public required EvaluationMetrics Metrics { get; init; }
    /// <summary>The same suggestions with the engine's own P10–P90 of the comparables as the range.</summary>
    public required EvaluationMetrics Uncalibrated { get; init; }
    public required IReadOnlyList<ConfidenceTercile> ByConfidence { get; init; }
    public required BaselineReport Baselines { get; init; }
}

/// <summary>What the engine must beat: medians over the same history, and the expert's own estimate when the data has one.</summary>
public sealed record BaselineReport(EvaluationMetrics CategoryMedian, EvaluationMetrics BrandCategoryMedian, EvaluationMetrics? Expert);

public sealed record ConfidenceTercile(string Tercile, double MinConfidence, double MaxConfidence, int N, double Mdape);

/// <summary>Errors as fractions of the actual price (0.12 = 12 %).</summary>
public sealed record EvaluationMetrics(
    int N,
    double Mdape,
    double Mape,
    double Within10,
    double Within25,
    double Coverage,
    double MeanRangeWidth,
    double FallbackShare)
{
    public static EvaluationMetrics From(IReadOnlyList<Outcome> outcomes)
    {
        if (outcomes.Count == 0)
        {
            return new EvaluationMetrics(0, double.NaN, double.NaN, 0, 0, 0, 0, 0);
        }

        var errors = outcomes.Select(o => Math.Abs(o.Predicted - o.Actual) / o.Actual).ToArray();
        return new EvaluationMetrics(
            N: outcomes.Count,
            Mdape: Round(Engine.WeightedStatistics.Median(errors)),
            Mape: Round(errors.Average()),
            Within10: Round(errors.Count(e => e <= 0.10) / (double)errors.Length),
            Within25: Round(errors.Count(e => e <= 0.25) / (double)errors.Length),
            Coverage: Round(outcomes.Count(o => o.Actual >= o.Low && o.Actual <= o.High) / (double)outcomes.Count),
            MeanRangeWidth: Round(outcomes.Average(o => o.Predicted > 0 ? (o.High - o.Low) / o.Predicted : 0)),
            FallbackShare: Round(outcomes.Count(o => o.MedianFallback) / (double)outcomes.Count));
    }

    public static IReadOnlyList<ConfidenceTercile> ByConfidenceTercile(IReadOnlyList<Outcome> outcomes)
    {
        if (outcomes.Count < 3)
        {
            return [];
        }

        var sorted = outcomes.OrderBy(o => o.Confidence).ToArray();
        var names = new[] { "low", "medium", "high" };
        var result = new List<ConfidenceTercile>(3);
        for (var t = 0; t < 3; t++)
        {
            var slice = sorted[(t * sorted.Length / 3)..((t + 1) * sorted.Length / 3)];
            var errors = slice.Select(o => Math.Abs(o.Predicted - o.Actual) / o.Actual).ToArray();
            result.Add(new ConfidenceTercile(names[t], Round(slice[0].Confidence), Round(slice[^1].Confidence), slice.Length, Round(Engine.WeightedStatistics.Median(errors))));
        }

        return result;
    }

    private static double Round(double value) => Math.Round(value, 4);
}
