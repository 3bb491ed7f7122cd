using Portal.Core.Imports.SmartGo;
using Portal.Core.Sales;
using Portal.Infrastructure.SmartGo;

namespace Portal.Infrastructure.Tests.SmartGo;

public sealed class SmartGoImportConfigurationTests
{
    [Fact]
    public async Task WithoutAConnectionStringTheImportRefusesToRunAndSaysWhatToSet()
    {
        await using var host = new SmartGoTestHost("Host=127.0.0.1", batchSize: 10, connectionStringOverride: "");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.RunAsync());

        Assert.Contains("SmartGo:ConnectionString is not set", error.Message, StringComparison.Ordinal);
        Assert.Null(await host.Watermarks.GetAsync(SmartGoImportJob.JobName, default));
    }

    [Fact]
    public void AWatermarkRoundTripsWithMicrosecondsAndASaleIdHoldingTheSeparator()
    {
        var mark = new SmartGoWatermark(new DateTimeOffset(2026, 2, 10, 9, 0, 0, TimeSpan.Zero).AddTicks(1234560), "a|b");

        Assert.Equal(mark, SmartGoWatermark.Parse(mark.Format()));
        Assert.Throws<FormatException>(() => SmartGoWatermark.Parse("yesterday|s1"));
    }

    [Theory]
    [InlineData("very_good", null)]
    [InlineData("Very Good", "unknown condition")]
    [InlineData(null, null)]
    public void TheConditionMustBeAWireNameWhenPresent(string? condition, string? expectedReason)
    {
        var row = new SmartGoSaleRow
        {
            SaleId = "s1", SoldAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TenantId = "shop-1", ProductId = "p1",
            Category = "shoes", SoldPrice = 10m, Currency = "EUR", Condition = condition,
        };

        var reason = SmartGoRowMapper.TryMap(row, new HashSet<TenantId> { new("shop-1") }, new PriceLimits(), DateTimeOffset.UtcNow, out var sale);

        Assert.Equal(expectedReason, reason);
        Assert.Equal(expectedReason is null, sale is not null);
    }

    [Theory]
    [InlineData(2_000_000, "EUR", null)]
    [InlineData(12_000_000, "EUR", "price above the EUR limit 10,000,000 (Pricing:PriceLimits:DefaultMaximum)")]
    [InlineData(150_000_000, "JPY", null)]
    [InlineData(600, "GBP", "price above the GBP limit 500 (Pricing:PriceLimits:MaximumByCurrency:GBP)")]
    [InlineData(0.001, "EUR", "price below the minimum 0.01 (Pricing:PriceLimits:Minimum)")]
    public void HoldsThePriceToItsCurrencysConfiguredLimit(decimal price, string currency, string? expectedReason)
    {
        var row = new SmartGoSaleRow
        {
            SaleId = "s1", SoldAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TenantId = "shop-1", ProductId = "p1",
            Category = "houses", SoldPrice = price, Currency = currency,
        };
        var limits = new PriceLimits { MaximumByCurrency = { ["GBP"] = 500m } };

        var reason = SmartGoRowMapper.TryMap(row, new HashSet<TenantId> { new("shop-1") }, limits, DateTimeOffset.UtcNow, out var sale);

        Assert.Equal(expectedReason, reason);
        Assert.Equal(expectedReason is null, sale is not null);
    }
}
