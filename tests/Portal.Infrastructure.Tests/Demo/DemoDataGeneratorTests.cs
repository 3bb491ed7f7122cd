using Portal.Core.Sales;
using Portal.Infrastructure.Demo;

namespace Portal.Infrastructure.Tests.Demo;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 30, 0, TimeSpan.Zero);

    private static readonly string[] Labels = ["dress", "hat", "longsleeve", "outwear", "pants", "shirt", "shoes", "shorts", "skirt", "t-shirt"];

    [Fact]
    public void ShipsAboutSixtyRealPhotosPerLabelInUnderTenMegabytes()
    {
        var photos = DemoPhotos.All;

        Assert.Equal(Labels, photos.Select(p => p.Category).Distinct().Order(StringComparer.Ordinal));
        Assert.All(photos.GroupBy(p => p.Category), g => Assert.InRange(g.Count(), 50, 70));
        Assert.Equal(photos.Count, photos.Select(p => p.File).Distinct().Count());
        long bytes = 0;
        foreach (var photo in photos)
        {
            var jpeg = DemoPhotos.Read(photo.File);
            Assert.True(jpeg is [0xFF, 0xD8, ..], $"{photo.File} is not a JPEG");
            bytes += jpeg.Length;
        }

        Assert.True(bytes < 10_000_000, $"The demo photos take {bytes:N0} bytes.");
    }

    [Fact]
    public void TheSampleShoePhotoIsADemoShoe() =>
        Assert.Equal("shoes", Assert.Single(DemoPhotos.All, p => p.File == DemoSamples.ShoeFile).Category);

    [Fact]
    public void PlansTheDemoTenantAsPromised()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 7200, Now);

        Assert.Equal(7200, plan.Count);
        Assert.Equal(Labels, plan.Select(p => p.Sale.Category).Distinct().Order(StringComparer.Ordinal));
        Assert.True(plan.Select(p => p.Sale.Brand).Distinct().Count() >= 20);
        Assert.Equal(6, plan.Select(p => p.Sale.Condition).Distinct().Count());
        Assert.True(plan.Min(p => p.Sale.SoldAt) < Now.AddMonths(-23));
        Assert.True(plan.Min(p => p.Sale.SoldAt) > Now.AddDays(-730), "every sale inside the two-year retention");
        Assert.True(plan.Max(p => p.Sale.SoldAt) <= Now);
        Assert.Equal(7200, plan.Select(p => p.Sale.SaleId).Distinct().Count());
        Assert.Equal(DemoPhotos.All.Count, plan.Select(p => p.Item.Photo.File).Distinct().Count());
        Assert.All(plan, p => Assert.True(p.Sale.SoldPrice > 0));
    }

    [Fact]
    public void EveryPhotoIsResoldWithTwoSalesInTheEnginesFirstWindow()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 7200, Now);

        Assert.All(plan.GroupBy(p => p.Item.Photo.File), sales =>
        {
            Assert.Equal(DemoDataGenerator.SalesPerPhoto, sales.Count());
            Assert.True(sales.Count(s => s.Sale.SoldAt > Now.AddDays(-90)) >= 2, $"{sales.Key} has fewer than two sales in the last 90 days");
            Assert.Single(sales.Select(s => s.Sale.Brand).Distinct());
        });
    }

    [Fact]
    public void AMarketplaceThatGrewSellsMoreInItsLastYear()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 7200, Now);

        var lastYear = plan.Count(p => p.Sale.SoldAt > Now.AddYears(-1));

        Assert.InRange(lastYear / (double)plan.Count, 0.6, 0.75);
    }

    [Fact]
    public void ASmallDemoStillCoversEveryCategory()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 300, Now);

        Assert.Equal(300, plan.Count);
        Assert.Equal(Labels, plan.Select(p => p.Sale.Category).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(plan, p => p.Item.Photo.File == DemoSamples.ShoeFile);
    }

    [Fact]
    public void TheSameInputsPlanTheSameSales()
    {
        var first = DemoDataGenerator.Plan(new TenantId("demo"), 500, Now);
        var second = DemoDataGenerator.Plan(new TenantId("demo"), 500, Now);

        Assert.Equal(
            first.Select(p => (p.Sale.SaleId, p.Sale.SoldPrice, p.Sale.SoldAt, p.Item.Photo.File)),
            second.Select(p => (p.Sale.SaleId, p.Sale.SoldPrice, p.Sale.SoldAt, p.Item.Photo.File)));
    }

    [Fact]
    public void SalesOfOnePhotoArePricedAlikeOnceTheConditionAndSeasonAreTakenOut()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 7200, Now);
        var ladder = DemoCatalog.Conditions.ToDictionary(c => c.Condition, c => c.Value);

        Assert.All(plan.GroupBy(p => p.Item.Photo.File), sales =>
        {
            var normalised = sales
                .Select(s => (double)s.Sale.SoldPrice / ladder[s.Sale.Condition!.Value] / s.Item.Category.SeasonalByQuarter[Seasons.QuarterNumber(s.Sale.SoldAt) - 1])
                .ToArray();
            // Noise of 8 % (log-normal): twelve draws stay well within ±40 % of the model's base price.
            Assert.All(normalised, n => Assert.InRange(n / sales.First().Item.BasePrice, 0.6, 1.4));
        });
    }

    [Theory]
    [InlineData("outwear", 4, 3)]
    [InlineData("shorts", 3, 4)]
    public void ASeasonalCategorySellsDearerInItsSeason(string category, int dearQuarter, int cheapQuarter)
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 7200, Now);
        var ladder = DemoCatalog.Conditions.ToDictionary(c => c.Condition, c => c.Value);
        double MedianIn(int quarter)
        {
            // Per unit of base price and condition, so the mix of models and conditions sold in a quarter does not count.
            var values = plan.Where(p => p.Sale.Category == category && Seasons.QuarterNumber(p.Sale.SoldAt) == quarter)
                .Select(p => (double)p.Sale.SoldPrice / p.Item.BasePrice / ladder[p.Sale.Condition!.Value])
                .Order()
                .ToArray();
            return values[values.Length / 2];
        }

        Assert.True(MedianIn(dearQuarter) > MedianIn(cheapQuarter) * 1.2);
    }

    [Fact]
    public void PhotosThatLookAlikeShareABrand()
    {
        // Six tight groups of ten hats, as many groups as hat brands: each group one brand, every brand used.
        var hats = DemoPhotos.All.Where(p => p.Category == "hat").Take(60).ToList();
        var random = new Random(3);
        var looks = hats.Select((p, i) => (p.File, Look: Enumerable.Range(0, 16).Select(d => (d == i % 6 ? 1f : 0f) + (float)(random.NextDouble() * 0.05)).ToArray()))
            .ToDictionary(p => p.File, p => p.Look);

        var items = DemoDataGenerator.Items(DemoPhotos.All, looks).Where(i => looks.ContainsKey(i.Photo.File)).ToList();

        var brandsByGroup = items.GroupBy(i => hats.FindIndex(h => h.File == i.Photo.File) % 6).Select(g => g.Select(i => i.Brand.Name).Distinct().ToList()).ToList();
        Assert.All(brandsByGroup, brands => Assert.Single(brands));
        Assert.Equal(6, brandsByGroup.Select(b => b[0]).Distinct().Count());
    }

    [Fact]
    public void LooksOnlyChooseTheBrandsNotTheDatesOrConditions()
    {
        var looks = DemoPhotos.All.ToDictionary(p => p.File, p => new[] { p.File.Length % 7 + 1f, p.File[0] % 5 + 1f });

        var plain = DemoDataGenerator.Plan(new TenantId("demo"), 1200, Now);
        var byLook = DemoDataGenerator.Plan(new TenantId("demo"), 1200, Now, looks);

        Assert.Equal(plain.Select(p => (p.Sale.SaleId, p.Sale.SoldAt, p.Sale.Condition, p.Item.Photo.File)), byLook.Select(p => (p.Sale.SaleId, p.Sale.SoldAt, p.Sale.Condition, p.Item.Photo.File)));
    }
}
