using Portal.Infrastructure.Demo;
using Portal.Pricing.Domain;

namespace Portal.Infrastructure.Tests.Demo;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PlansTheDemoTenantAsPromised()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 3600, Now);

        Assert.Equal(3600, plan.Count);
        Assert.True(plan.Select(p => p.Sale.Category).Distinct().Count() >= 6);
        Assert.True(plan.Select(p => p.Sale.Brand).Distinct().Count() >= 20);
        Assert.Equal(6, plan.Select(p => p.Sale.Condition).Distinct().Count());
        Assert.True(plan.Min(p => p.Sale.SoldAt) < Now.AddMonths(-23));
        Assert.True(plan.Min(p => p.Sale.SoldAt) > Now.AddDays(-730), "every sale inside the two-year retention");
        Assert.True(plan.Max(p => p.Sale.SoldAt) <= Now);
        Assert.Equal(3600, plan.Select(p => p.Sale.SaleId).Distinct().Count());
        Assert.All(plan, p => Assert.True(p.Sale.SoldPrice > 0));
    }

    [Fact]
    public void TheSameSeedPlansTheSameSales()
    {
        var first = DemoDataGenerator.Plan(new TenantId("demo"), 500, Now);
        var second = DemoDataGenerator.Plan(new TenantId("demo"), 500, Now);

        Assert.Equal(first.Select(p => (p.Sale.SaleId, p.Sale.SoldPrice, p.Sale.SoldAt)), second.Select(p => (p.Sale.SaleId, p.Sale.SoldPrice, p.Sale.SoldAt)));
    }

    [Fact]
    public void JacketsSellForMoreInWinterThanInSummer()
    {
        var plan = DemoDataGenerator.Plan(new TenantId("demo"), 3600, Now);
        double MedianIn(int quarter) => plan.Where(p => p.Sale.Category == "jackets" && Seasons.QuarterNumber(p.Sale.SoldAt) == quarter)
            .Select(p => (double)p.Sale.SoldPrice).Order().ElementAt(plan.Count(p => p.Sale.Category == "jackets" && Seasons.QuarterNumber(p.Sale.SoldAt) == quarter) / 2);

        Assert.True(MedianIn(4) > MedianIn(3) * 1.2);
    }

    [Fact]
    public void StylesWithMetalHardwareBelongToPricierBrands()
    {
        var styles = DemoDataGenerator.Styles();

        Assert.All(styles.Where(s => s.Look.Hardware), s => Assert.True(s.Brand.Tier >= 2.0));
        Assert.All(styles.Where(s => !s.Look.Hardware), s => Assert.True(s.Brand.Tier < 2.0));
    }

    [Fact]
    public void RendersAJpegPhotoPerStyleAndVariant()
    {
        var style = DemoDataGenerator.Styles()[0];

        var first = DemoImageRenderer.Render(style.Look, 0);
        var again = DemoImageRenderer.Render(style.Look, 0);

        Assert.Equal(0xFF, first[0]);
        Assert.Equal(0xD8, first[1]);
        Assert.Equal(first, again);
        Assert.NotEqual(first, DemoImageRenderer.Render(style.Look, 1));
    }
}
