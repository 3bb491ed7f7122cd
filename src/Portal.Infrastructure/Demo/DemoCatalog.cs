
namespace Portal.Infrastructure.Demo;

/// <summary>
/// The demo marketplace: the categories (the labels of the bundled clothing-small photos) with a base price and a seasonal
/// profile each, brands with price tiers, and the condition ladder. Prices are synthetic; only the photos are real.
/// </summary>
internal static class DemoCatalog
{
    /// <summary>A category; <paramref name="SeasonalByQuarter"/> multiplies its prices in Q1…Q4.</summary>
    public sealed record Category(string Name, string Noun, double BasePrice, double[] SeasonalByQuarter);

    public sealed record Brand(string Name, double Tier, string[] Categories);

    public static readonly Category[] Categories =
    [
        new("dress", "dress", 45, [0.90, 1.15, 1.10, 0.85]),
        new("hat", "hat", 20, [1.10, 0.95, 0.90, 1.10]),
        new("longsleeve", "long-sleeve top", 28, [1.10, 0.95, 0.90, 1.05]),
        new("outwear", "jacket", 80, [1.20, 0.85, 0.85, 1.25]),
        new("pants", "trousers", 35, [1.00, 1.00, 1.00, 1.00]),
        new("shirt", "shirt", 30, [1.00, 1.05, 1.00, 0.95]),
        new("shoes", "shoes", 60, [1.00, 1.05, 1.00, 0.95]),
        new("shorts", "shorts", 22, [0.85, 1.20, 1.15, 0.80]),
        new("skirt", "skirt", 32, [0.90, 1.10, 1.10, 0.90]),
        new("t-shirt", "t-shirt", 18, [0.90, 1.10, 1.10, 0.90]),
    ];

    public static readonly Brand[] Brands =
    [
        new("Nordvik", 1.0, ["shoes", "outwear", "pants", "hat"]),
        new("Urbanlane", 1.1, ["shoes", "t-shirt", "pants", "shorts"]),
        new("Pico", 0.8, ["dress", "skirt", "t-shirt", "shorts"]),
        new("Basics & Co", 0.7, ["t-shirt", "longsleeve", "pants", "shorts", "shirt"]),
        new("Tallow", 1.6, ["shoes", "outwear", "hat"]),
        new("Marlowe", 1.9, ["dress", "outwear", "shirt", "skirt"]),
        new("Kestrel", 2.2, ["outwear", "shoes", "longsleeve"]),
        new("Orsa", 1.4, ["dress", "skirt", "shoes"]),
        new("Valmont", 4.5, ["outwear", "shoes", "dress"]),
        new("Ardent", 3.8, ["dress", "shirt", "skirt"]),
        new("Lindqvist", 2.8, ["outwear", "longsleeve", "hat"]),
        new("Sable", 6.0, ["outwear", "dress", "shoes"]),
        new("Corvo", 1.2, ["pants", "shoes", "shirt"]),
        new("Heron", 0.9, ["dress", "t-shirt", "skirt"]),
        new("Quill", 1.3, ["shirt", "longsleeve", "hat"]),
        new("Fable", 2.5, ["shoes", "dress", "t-shirt"]),
        new("Brightwater", 1.05, ["outwear", "shorts", "t-shirt"]),
        new("Ostrom", 3.2, ["outwear", "pants", "shirt"]),
        new("Pell", 0.75, ["shoes", "shorts", "hat", "t-shirt"]),
        new("Wrenfield", 1.8, ["pants", "longsleeve", "skirt"]),
        new("Aurelia", 5.2, ["dress", "skirt", "hat"]),
        new("Tidewell", 1.15, ["shorts", "t-shirt", "longsleeve", "pants"]),
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

    public static Category CategoryNamed(string name) =>
        Categories.FirstOrDefault(c => c.Name == name) ?? throw new InvalidOperationException($"The demo has no category '{name}'.");
}
