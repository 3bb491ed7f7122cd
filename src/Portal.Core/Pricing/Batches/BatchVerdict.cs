using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing.Batches;

/// <summary>How far a row's suggestion can be trusted at a glance.</summary>
public enum BatchVerdict
{
    /// <summary>Close look-alikes agree: may be accepted in bulk.</summary>
    Strong,

    /// <summary>Priced from look-alikes that only loosely resemble the item: check before accepting.</summary>
    Weak,

    /// <summary>No look-alikes (a fallback to a brand or category median), or no price at all.</summary>
    None,
}

/// <summary>
/// The one place a batch row's verdict is derived. It reads the confidence and the fallback only, so it can later be
/// switched to the workbench's own verdict without touching the grid, the filters or the bulk accept.
/// </summary>
public static class BatchVerdicts
{
    /// <summary>At and above this confidence a suggestion without fallback is a strong match.</summary>
    public const double StrongConfidence = 0.6;

    /// <summary>A median fallback has no look-alikes; otherwise the confidence decides (a widened window stays flagged).</summary>
    public static BatchVerdict Of(double confidence, string? fallback) =>
        fallback is FallbackKinds.BrandCategoryMedian or FallbackKinds.CategoryMedian ? BatchVerdict.None
        : confidence >= StrongConfidence ? BatchVerdict.Strong
        : BatchVerdict.Weak;

    public static IReadOnlyList<string> FlagsOf(BatchRow row)
    {
        var flags = new List<string>();
        if (row.Price is { } price)
        {
            if (price.Fallback is { } fallback)
            {
                flags.Add(fallback.Replace('_', ' '));
            }

            if (price.Comparables < 3)
            {
                flags.Add("few comparables");
            }

            if (price.Confidence < 0.4)
            {
                flags.Add("low confidence");
            }
        }

        return flags;
    }
}
