using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Pricing;

/// <summary>Upload limits of the pricing request (section <c>Pricing:Limits</c>).</summary>
public sealed class PricingLimits
{
    public const string SectionName = "Pricing:Limits";

    [Range(1, 20)]
    public int MaxImages { get; set; } = 5;

    [Range(1, 100 * 1024 * 1024)]
    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    [Range(1, 500 * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 30 * 1024 * 1024;

    [Range(1, 1_000_000_000)]
    public long MaxPixels { get; set; } = 40_000_000;

    [Range(0, 1000)]
    public int MaxExcludedSaleIds { get; set; } = 200;
}
