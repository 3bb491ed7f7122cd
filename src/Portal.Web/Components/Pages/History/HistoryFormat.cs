using System.Globalization;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.History;

/// <summary>How the history shows what a decision kept; "—" where a decision has nothing (older decisions kept no verdict).</summary>
public static class HistoryFormat
{
    public const string Nothing = "—";

    public static string Verdict(Verdict? verdict) => verdict?.Level switch
    {
        VerdictLevel.Strong => "Strong",
        VerdictLevel.Weak => "Weak",
        VerdictLevel.None => "None",
        _ => Nothing,
    };

    /// <summary>The level as the API spells it, for styling and tests; empty when the decision kept no verdict.</summary>
    public static string VerdictLevelName(Verdict? verdict) => verdict?.Level.ToString().ToLowerInvariant() ?? string.Empty;

    /// <summary>The title, else the product id, else what the item was ("Untitled acme shoes"): never the internal id.</summary>
    public static string ItemName(PricingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Title ?? decision.ProductId ?? (decision.Brand is { } brand ? $"Untitled {brand} {decision.Category}" : $"Untitled {decision.Category}");
    }

    public static string Fallback(string? fallback) => string.IsNullOrWhiteSpace(fallback) ? Nothing : fallback.Replace('_', ' ');

    public static string Confidence(double confidence) => (confidence * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : Nothing;

    public static string DecidedAt(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
