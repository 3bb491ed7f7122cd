using Portal.Core.Pricing.Decisions;

namespace Portal.Web.Components.Pages.History;

/// <summary>A pricing decision beside the sale of the same product, once there is one, and its first photo's URL.</summary>
public sealed record HistoryRow(PricingDecision Decision, SaleRecord? Sale, string? ThumbnailUrl = null)
{
    /// <summary>|suggested − sold| / sold, when the item sold (at a positive price).</summary>
    public double? SuggestionError => Sale is { SoldPrice: > 0 } sale
        ? (double)(Math.Abs(Decision.SuggestedPrice - sale.SoldPrice) / sale.SoldPrice)
        : null;
}

/// <summary>Accuracy of the suggestions that have a sale, over every decision the filters match: overall and per month.</summary>
public sealed record HistoryAccuracy(int Decisions, int Matched, double? MedianApe, IReadOnlyList<(string Month, double MedianApe, int Count)> ByMonth)
{
    public static HistoryAccuracy From(IReadOnlyList<(DecisionSummary Decision, decimal? SoldPrice)> outcomes)
    {
        var matched = outcomes
            .Where(o => o.SoldPrice is > 0m)
            .Select(o => (o.Decision, Error: (double)(Math.Abs(o.Decision.SuggestedPrice - o.SoldPrice!.Value) / o.SoldPrice.Value)))
            .ToList();
        var byMonth = matched
            .GroupBy(o => AnalystMonthAccuracy.MonthOf(o.Decision.DecidedAt))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Median(g.Select(o => o.Error)), g.Count()))
            .ToList();
        return new HistoryAccuracy(outcomes.Count, matched.Count, matched.Count == 0 ? null : Median(matched.Select(o => o.Error)), byMonth);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
