using Portal.Core.Pricing.Decisions;

namespace Portal.Web.Components.Pages.History;

/// <summary>A pricing decision beside the sale of the same product, once there is one.</summary>
public sealed record HistoryRow(PricingDecision Decision, SaleRecord? Sale)
{
    /// <summary>|suggested − sold| / sold, when the item sold (at a positive price).</summary>
    public double? SuggestionError => Sale is { SoldPrice: > 0 } sale
        ? (double)(Math.Abs(Decision.SuggestedPrice - sale.SoldPrice) / sale.SoldPrice)
        : null;
}

/// <summary>Accuracy of the suggestions that have a sale: overall and per month of the decision.</summary>
public sealed record HistoryAccuracy(int Matched, double? MedianApe, IReadOnlyList<(string Month, double MedianApe, int Count)> ByMonth)
{
    public static HistoryAccuracy From(IEnumerable<HistoryRow> rows)
    {
        var matched = rows.Where(r => r.SuggestionError is not null).ToList();
        var byMonth = matched
            .GroupBy(r => r.Decision.DecidedAt.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Median(g.Select(r => r.SuggestionError!.Value)), g.Count()))
            .ToList();
        return new HistoryAccuracy(matched.Count, matched.Count == 0 ? null : Median(matched.Select(r => r.SuggestionError!.Value)), byMonth);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
