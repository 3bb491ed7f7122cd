using System.Globalization;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Charts;

public enum WaterfallStepKind
{
    Total,
    Factor,
}

/// <summary>One bar of the adjustments waterfall: the level before and after the step (totals start at 0).</summary>
public sealed record WaterfallStep(string Label, double From, double To, WaterfallStepKind Kind, double? Factor = null);

public static class WaterfallSteps
{
    /// <summary>Base (the comparables' weighted estimate) → × seasonal → × condition → × quality → × market level → the final price.</summary>
    public static IReadOnlyList<WaterfallStep> From(PricingSuggestion suggestion)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        var a = suggestion.Adjustments;
        var basePrice = (double)a.BasePrice;
        var afterSeasonal = basePrice * a.Seasonal;
        var afterCondition = afterSeasonal * a.Condition;
        var afterQuality = afterCondition * a.Quality;
        var afterLevel = afterQuality * a.MarketLevel;
        List<WaterfallStep> steps =
        [
            new(suggestion.Fallback?.Sales is { } sales ? string.Create(CultureInfo.InvariantCulture, $"Median of {sales:N0} sales") : "Comparables' base", 0, basePrice, WaterfallStepKind.Total),
            new($"Seasonal ({a.TargetSeason})", basePrice, afterSeasonal, WaterfallStepKind.Factor, a.Seasonal),
            new($"Condition ({a.TargetCondition})", afterSeasonal, afterCondition, WaterfallStepKind.Factor, a.Condition),
            new("Photo quality", afterCondition, afterQuality, WaterfallStepKind.Factor, a.Quality),
        ];
        if (a.MarketLevelSource is not null)
        {
            steps.Add(new($"Market level ({a.MarketLevelSource})", afterQuality, afterLevel, WaterfallStepKind.Factor, a.MarketLevel));
        }

        steps.Add(new("Suggested price", 0, (double)suggestion.Price, WaterfallStepKind.Total));
        return steps;
    }
}
