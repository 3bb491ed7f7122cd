using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

/// <summary>Event prices are held to the configured limits of the event's own currency.</summary>
public sealed class EventPriceLimitTests
{
    private static IReadOnlyList<EventError> Validate(string detailType, string priceField, decimal price, string currency, PriceLimits? limits = null)
    {
        var json = EventSamples.Example(detailType);
        json["detail"]![priceField] = price;
        json["detail"]!["currency"] = currency;
        Assert.True(ProductEventParser.TryParse(EventSamples.Bytes(json), out var productEvent, out var parseErrors), string.Join("; ", parseErrors));
        return ProductEventValidator.ToEventErrors(new ProductEventValidator(EventSamples.Clock(), limits ?? new PriceLimits()).Validate(productEvent!));
    }

    [Fact]
    public void AcceptsASaleOfTwoMillionEuros()
    {
        Assert.Empty(Validate(ProductEventTypes.Sold, "soldPrice", 2_000_000m, "EUR"));
    }

    [Fact]
    public void RefusesASaleAboveItsCurrencysLimitNamingTheCurrencyAndTheLimit()
    {
        var error = Assert.Single(Validate(ProductEventTypes.Sold, "soldPrice", 10_000_000.01m, "EUR"));

        Assert.Equal("detail.soldPrice", error.Path);
        Assert.Contains("above the limit for EUR, 10,000,000", error.Message);
    }

    [Fact]
    public void AppliesAPerCurrencyMaximum()
    {
        Assert.Empty(Validate(ProductEventTypes.Sold, "soldPrice", 500_000_000m, "KRW"));

        var limits = new PriceLimits { MaximumByCurrency = { ["CHF"] = 50_000m } };
        var error = Assert.Single(Validate(ProductEventTypes.Listed, "askingPrice", 60_000m, "CHF", limits));
        Assert.Equal("detail.askingPrice", error.Path);
        Assert.Contains("above the limit for CHF, 50,000 (Pricing:PriceLimits:MaximumByCurrency:CHF)", error.Message);
    }
}
