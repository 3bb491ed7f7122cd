using Portal.Pricing.Domain;

namespace Portal.Infrastructure.Demo;

/// <summary>
/// The demo marketplace: categories, brands with price tiers, and product styles. Visual traits carry the price signal:
/// the brand sets the palette and (for premium tiers) metal hardware, the style sets the pattern, so items that look alike
/// sell alike, and similarity beats a category median.
/// </summary>
internal static class DemoCatalog
{
    public sealed record Category(string Name, double BasePrice, double[] SeasonalByQuarter);

    public sealed record Brand(string Name, double Tier, SkiaSharp.SKColor Primary, string[] Categories);

    public static readonly Category[] Categories =
    [
        new("shoes", 60, [1.0, 1.05, 1.0, 0.95]),
        new("bags", 90, [0.95, 1.0, 1.0, 1.1]),
        new("dresses", 45, [0.9, 1.15, 1.1, 0.85]),
        new("jackets", 80, [1.2, 0.85, 0.85, 1.25]),
        new("watches", 120, [1.0, 0.95, 0.95, 1.15]),
        new("jeans", 35, [1.0, 1.0, 1.0, 1.0]),
    ];

    public static readonly Brand[] Brands =
    [
        new("Nordvik", 1.0, new(0x3B, 0x6E, 0xA8), ["shoes", "jackets", "jeans"]),
        new("Urbanlane", 1.1, new(0x9E, 0x9E, 0x9E), ["shoes", "bags", "jeans"]),
        new("Pico", 0.8, new(0xE5, 0x73, 0x73), ["dresses", "bags", "shoes"]),
        new("Basics & Co", 0.7, new(0xB0, 0xBE, 0xC5), ["jeans", "dresses", "jackets"]),
        new("Tallow", 1.6, new(0x8D, 0x6E, 0x63), ["shoes", "bags", "jackets"]),
        new("Marlowe", 1.9, new(0x2E, 0x7D, 0x32), ["dresses", "jackets", "bags"]),
        new("Kestrel", 2.2, new(0x1A, 0x23, 0x7E), ["watches", "shoes", "jackets"]),
        new("Orsa", 1.4, new(0xF9, 0xA8, 0x25), ["dresses", "shoes"]),
        new("Valmont", 4.5, new(0x21, 0x21, 0x21), ["bags", "shoes", "watches"]),
        new("Ardent", 3.8, new(0x88, 0x0E, 0x4F), ["bags", "dresses", "jackets"]),
        new("Lindqvist", 2.8, new(0x00, 0x69, 0x5C), ["watches", "jackets"]),
        new("Sable", 6.0, new(0x3E, 0x27, 0x23), ["bags", "watches"]),
        new("Corvo", 1.2, new(0x5D, 0x40, 0x37), ["jeans", "shoes"]),
        new("Heron", 0.9, new(0x4F, 0xC3, 0xF7), ["dresses", "jeans"]),
        new("Quill", 1.3, new(0x7E, 0x57, 0xC2), ["bags", "dresses"]),
        new("Fable", 2.5, new(0xC6, 0x28, 0x28), ["shoes", "dresses", "bags"]),
        new("Brightwater", 1.05, new(0x00, 0x83, 0x8F), ["jackets", "jeans"]),
        new("Ostrom", 3.2, new(0x45, 0x5A, 0x64), ["watches", "jackets"]),
        new("Pell", 0.75, new(0xFF, 0xB7, 0x4D), ["shoes", "jeans"]),
        new("Wrenfield", 1.8, new(0x6D, 0x4C, 0x41), ["jeans", "jackets", "bags"]),
        new("Aurelia", 5.2, new(0xB7, 0x1C, 0x1C), ["dresses", "watches"]),
        new("Tidewell", 1.15, new(0x26, 0x32, 0x38), ["watches", "shoes"]),
    ];

    /// <summary>Patterns a style may have; more elaborate ones command more.</summary>
    public static readonly (string Name, double Multiplier)[] Patterns =
    [
        ("plain", 0.85),
        ("stripes", 1.0),
        ("dots", 1.1),
        ("checks", 1.25),
    ];

    /// <summary>Share of sales per condition, and how the condition moves the price (the engine's default ladder).</summary>
    public static readonly (ItemCondition Condition, double Share, double Value)[] Conditions =
    [
        (ItemCondition.NewWithTags, 0.12, 1.00),
        (ItemCondition.LikeNew, 0.22, 0.85),
        (ItemCondition.VeryGood, 0.28, 0.72),
        (ItemCondition.Good, 0.22, 0.60),
        (ItemCondition.Fair, 0.11, 0.45),
        (ItemCondition.Poor, 0.05, 0.30),
    ];
}
