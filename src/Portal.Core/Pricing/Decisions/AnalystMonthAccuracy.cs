using System.Globalization;

namespace Portal.Core.Pricing.Decisions;

/// <summary>
/// How far one analyst's prices of one month (UTC, by decision time) were from what the items sold for. Absolute
/// percentage errors are measured against the sold price; null where no decision of the month has sold yet.
/// </summary>
public sealed record AnalystMonthAccuracy(
    string UserName,
    string Month,
    int Decisions,
    int Matched,
    double? FinalMdape,
    double? SuggestedMdape,
    double? FinalWithin10Percent,
    double? FinalWithin25Percent)
{
    /// <summary>Matches each decision with its sale and groups by analyst and month: newest month first, then by analyst.</summary>
    public static async Task<IReadOnlyList<AnalystMonthAccuracy>> MeasureAsync(
        IEnumerable<DecisionSummary> decisions, DecisionSales sales, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(sales);
        var outcomes = new List<(DecisionSummary Decision, decimal? SoldPrice)>();
        foreach (var decision in decisions)
        {
            var sale = await sales.SoldAsync(decision.ProductId, decision.DecidedAt, cancellationToken);
            outcomes.Add((decision, sale?.SoldPrice));
        }

        return From(outcomes);
    }

    public static IReadOnlyList<AnalystMonthAccuracy> From(IEnumerable<(DecisionSummary Decision, decimal? SoldPrice)> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return outcomes
            .GroupBy(o => (o.Decision.UserName, Month: MonthOf(o.Decision.DecidedAt)))
            .Select(group =>
            {
                // A sale at zero has no percentage error; it counts as not matched.
                var sold = group.Where(o => o.SoldPrice is > 0m).ToList();
                var finalErrors = sold.Select(o => Ape(o.Decision.FinalPrice, o.SoldPrice!.Value)).ToList();
                var suggestedErrors = sold.Select(o => Ape(o.Decision.SuggestedPrice, o.SoldPrice!.Value)).ToList();
                return new AnalystMonthAccuracy(
                    group.Key.UserName,
                    group.Key.Month,
                    group.Count(),
                    sold.Count,
                    Median(finalErrors),
                    Median(suggestedErrors),
                    Share(finalErrors, 0.10),
                    Share(finalErrors, 0.25));
            })
            .OrderByDescending(r => r.Month, StringComparer.Ordinal)
            .ThenBy(r => r.UserName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static double Ape(decimal price, decimal sold) => (double)(Math.Abs(price - sold) / sold);

    private static double? Share(IReadOnlyList<double> errors, double within) =>
        errors.Count == 0 ? null : (double)errors.Count(e => e <= within) / errors.Count;

    private static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
