using System.Globalization;
using System.Text.Json.Serialization;

namespace Portal.Core.Pricing.Engine;

/// <summary>How far a suggestion can be trusted, in one word for the UI and the API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerdictLevel>))]
public enum VerdictLevel
{
    /// <summary>Enough close look-alikes that agree on a price.</summary>
    [JsonStringEnumMemberName("strong")]
    Strong,

    /// <summary>Priced from look-alikes, but they resemble the item loosely, are few, or disagree: check before accepting.</summary>
    [JsonStringEnumMemberName("weak")]
    Weak,

    /// <summary>No usable look-alikes: the price is a median of the brand's or the category's sales (a fallback).</summary>
    [JsonStringEnumMemberName("none")]
    None,
}

/// <summary>The trust verdict of a suggestion and the one plain sentence that says why.</summary>
public sealed record Verdict(VerdictLevel Level, string Sentence)
{
    // Thresholds on the confidence components (ConfidenceModel), chosen so "strong" means what the sentence claims:
    // - Similarity ≥ 0.23: the component rescales the look-alikes' mean similarity from the model's threshold (0) to a
    //   perfect match (1). On resnet18-onnx-v2 (threshold 0.57) 0.23 is a mean cosine of 0.668, the median of same-label
    //   pairs in clothing-small: the look-alikes resemble the item at least as much as a typical pair of the same kind.
    //   Measured on the demo with clothing-small photos it never saw, every label priced in its own category scores
    //   0.25–0.65; a dress priced among shoes scores 0.08, a t-shirt among hats 0.16.
    // - Count ≥ 0.5: three comparables (0.53), the engine's own minimum; fewer and one odd sale moves the median.
    // - Agreement ≥ 0.5: a weighted mean absolute deviation under about 35 % of the price; beyond it the range says more
    //   than the price does.
    // - Confidence ≥ 0.45: the explanation's "medium" boundary, so a verdict never says strong beside a "low" confidence
    //   (a widened window's cap of 0.6 still allows it).
    public const double StrongSimilarity = 0.23;
    public const double StrongCount = 0.5;
    public const double StrongAgreement = 0.5;
    public const double StrongConfidence = 0.45;

    /// <summary>The verdict on a price from look-alikes (no median fallback).</summary>
    public static Verdict FromComparables(double confidence, ConfidenceComponents components, IReadOnlyList<Comparable> comparables, DateTimeOffset pricingDate)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(comparables);
        var n = comparables.Count;
        var lookAlikes = n == 1 ? "1 look-alike" : $"{n} look-alikes";
        string? weakness =
            components.Similarity < StrongSimilarity ? "the nearest sales only loosely resemble this item"
            : components.Count < StrongCount ? $"only {lookAlikes} found"
            : components.Dispersion < StrongAgreement ? $"the {lookAlikes} sold at prices far apart"
            : confidence < StrongConfidence ? $"the {lookAlikes} are few, old or far apart in price"
            : null;
        if (weakness is not null)
        {
            return new Verdict(VerdictLevel.Weak, $"Weak match: {weakness} — check before accepting");
        }

        var days = Math.Max(1, (int)Math.Ceiling(comparables.Max(c => Math.Abs((pricingDate - c.SoldAt).TotalDays))));
        return new Verdict(VerdictLevel.Strong, string.Create(CultureInfo.InvariantCulture,
            $"Strong match: {n} close look-alikes sold in the last {days} {(days == 1 ? "day" : "days")}"));
    }

    /// <summary>The verdict on a median fallback: what it was priced as, and what became of the few look-alikes found.</summary>
    public static Verdict FromMedian(string category, string? brand, int sales, int lookAlikesNotUsed)
    {
        var typical = brand is null ? category : $"{brand} {category}";
        var notUsed = lookAlikesNotUsed switch
        {
            0 => string.Empty,
            1 => "; the one look-alike found is too few to price from",
            _ => $"; the {lookAlikesNotUsed} look-alikes found are too few to price from",
        };
        return new Verdict(VerdictLevel.None, string.Create(CultureInfo.InvariantCulture,
            $"No look-alikes: priced as a typical {typical} from {sales:N0} sales{notUsed}"));
    }
}
