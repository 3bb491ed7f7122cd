using Portal.Core.Sales;

namespace Portal.Core.Tests.Domain;

public sealed class PriceLimitsTests
{
    [Fact]
    public void AcceptsTwoMillionEurosUnderTheDefault()
    {
        Assert.Null(new PriceLimits().Check(2_000_000m, "EUR"));
    }

    [Fact]
    public void RefusesAPriceAboveTheDefaultNamingTheCurrencyTheLimitAndItsKey()
    {
        var reason = new PriceLimits().Check(12_500_000m, "EUR");

        Assert.Equal("Price 12,500,000 EUR is above the limit for EUR, 10,000,000 (Pricing:PriceLimits:DefaultMaximum).", reason);
    }

    [Fact]
    public void AppliesTheCurrencysOwnMaximum()
    {
        var limits = new PriceLimits();

        Assert.Null(limits.Check(150_000_000m, "JPY"));
        Assert.Null(limits.Check(150_000_000m, "jpy"));
        var reason = limits.Check(3_000_000_000m, "JPY");
        Assert.Equal("Price 3,000,000,000 JPY is above the limit for JPY, 2,000,000,000 (Pricing:PriceLimits:MaximumByCurrency:JPY).", reason);
    }

    [Fact]
    public void AConfiguredCurrencyOverridesTheDefault()
    {
        var limits = new PriceLimits { MaximumByCurrency = { ["GBP"] = 1_000m } };

        Assert.Equal(1_000m, limits.MaximumFor("GBP"));
        Assert.Contains("above the limit for GBP, 1,000", limits.Check(1_000.01m, "GBP"));
        Assert.Null(limits.Check(1_000.01m, "EUR"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(0.001)]
    public void RefusesAPriceBelowTheMinimum(decimal price)
    {
        Assert.Contains("below the minimum price 0.01 (Pricing:PriceLimits:Minimum)", new PriceLimits().Check(price, "EUR"));
    }

    [Fact]
    public void DefaultsHaveNoProblems()
    {
        Assert.Empty(new PriceLimits().Problems());
    }

    [Fact]
    public void NamesEachProblemsKey()
    {
        var limits = new PriceLimits
        {
            Minimum = 0m,
            DefaultMaximum = PriceLimits.Ceiling,
            MaximumByCurrency = { ["eur"] = 5m },
        };

        var problems = limits.Problems().ToList();

        Assert.Contains("Pricing:PriceLimits:Minimum must be above 0.", problems);
        Assert.Contains(problems, p => p.StartsWith("Pricing:PriceLimits:DefaultMaximum (1,000,000,000,000) must be below", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Pricing:PriceLimits:MaximumByCurrency:eur: 'eur' is not an ISO 4217 code", StringComparison.Ordinal));
    }

    [Fact]
    public void RefusesAMaximumBelowTheMinimum()
    {
        var limits = new PriceLimits { Minimum = 10m, MaximumByCurrency = { ["USD"] = 5m } };

        Assert.Contains("Pricing:PriceLimits:MaximumByCurrency:USD (5) must not be below Pricing:PriceLimits:Minimum (10).", limits.Problems());
    }
}
