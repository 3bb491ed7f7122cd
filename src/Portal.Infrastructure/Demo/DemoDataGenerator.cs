using Portal.Pricing.Domain;
using SkiaSharp;

namespace Portal.Infrastructure.Demo;

/// <summary>Plans the demo tenant's sales deterministically: the same seed always gives the same sales, ids and photos.</summary>
internal static class DemoDataGenerator
{
    /// <summary>Photos per style: a sale shows one of its style's photos.</summary>
    public const int VariantsPerStyle = 3;

    public sealed record Style(string Id, DemoCatalog.Category Category, DemoCatalog.Brand Brand, string Pattern, double PatternMultiplier, DemoImageRenderer.Look Look);

    public sealed record PlannedSale(SaleRecord Sale, Style Style, int Variant);

    public static IReadOnlyList<Style> Styles()
    {
        var styles = new List<Style>();
        var random = new Random(17);
        foreach (var category in DemoCatalog.Categories)
        {
            foreach (var brand in DemoCatalog.Brands.Where(b => b.Categories.Contains(category.Name)))
            {
                // Two patterns per brand and category: which two is the brand's signature.
                foreach (var (pattern, multiplier) in DemoCatalog.Patterns.OrderBy(_ => random.Next()).Take(2))
                {
                    var secondary = SKColor.FromHsv(random.Next(0, 360), 30 + random.Next(0, 40), 90);
                    var hardware = brand.Tier >= 2.0;
                    var metal = brand.Tier >= 4.0 ? new SKColor(0xD4, 0xAF, 0x37) : new SKColor(0xC0, 0xC0, 0xC8);
                    styles.Add(new Style(
                        $"{category.Name}-{Slug(brand.Name)}-{pattern}",
                        category,
                        brand,
                        pattern,
                        multiplier,
                        new DemoImageRenderer.Look(category.Name, brand.Primary, secondary, pattern, hardware, metal)));
                }
            }
        }

        return styles;
    }

    public static IReadOnlyList<PlannedSale> Plan(TenantId tenant, int count, DateTimeOffset now)
    {
        var styles = Styles();
        var random = new Random(42);
        // 24 months less a few days, so every demo sale is still inside the store's two-year retention.
        var start = now.AddDays(-725);
        var span = (now - start).TotalSeconds;
        var sales = new List<PlannedSale>(count);
        for (var i = 0; i < count; i++)
        {
            var style = styles[random.Next(styles.Count)];
            var soldAt = SeasonalDate(random, start, span, style.Category);
            var (condition, conditionValue) = PickCondition(random);
            var quarter = Seasons.QuarterNumber(soldAt);
            var noise = Math.Exp(NextGaussian(random) * 0.12);
            var price = style.Category.BasePrice * style.Brand.Tier * style.PatternMultiplier * conditionValue
                        * style.Category.SeasonalByQuarter[quarter - 1] * noise;
            var id = $"demo-{i + 1:00000}";
            sales.Add(new PlannedSale(
                new SaleRecord
                {
                    Tenant = tenant,
                    ProductId = $"{id}-p",
                    SaleId = id,
                    Category = style.Category.Name,
                    Brand = style.Brand.Name,
                    Condition = condition,
                    Title = $"{style.Brand.Name} {style.Pattern} {Singular(style.Category.Name)}",
                    Description = $"Demo item: {style.Pattern} {Singular(style.Category.Name)} by {style.Brand.Name}.",
                    SoldPrice = Math.Round((decimal)Math.Max(3, price), 2),
                    Currency = "EUR",
                    SoldAt = soldAt,
                    Source = "demo",
                },
                style,
                random.Next(VariantsPerStyle)));
        }

        return sales;
    }

    /// <summary>Sales volume follows the category's season a little, so quarters differ in count as well as price.</summary>
    private static DateTimeOffset SeasonalDate(Random random, DateTimeOffset start, double spanSeconds, DemoCatalog.Category category)
    {
        var maxWeight = category.SeasonalByQuarter.Max();
        while (true)
        {
            var at = start.AddSeconds(random.NextDouble() * spanSeconds);
            var weight = category.SeasonalByQuarter[Seasons.QuarterNumber(at) - 1];
            if (random.NextDouble() * maxWeight <= weight)
            {
                return new DateTimeOffset(at.UtcDateTime.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
            }
        }
    }

    private static (ItemCondition, double) PickCondition(Random random)
    {
        var roll = random.NextDouble();
        foreach (var (condition, share, value) in DemoCatalog.Conditions)
        {
            roll -= share;
            if (roll <= 0)
            {
                return (condition, value);
            }
        }

        return (ItemCondition.Poor, 0.30);
    }

    private static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Slug(string name) => new(name.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private static string Singular(string category) => category switch
    {
        "shoes" => "shoe",
        "dresses" => "dress",
        "watches" => "watch",
        "jeans" => "jeans",
        _ => category.TrimEnd('s'),
    };
}
