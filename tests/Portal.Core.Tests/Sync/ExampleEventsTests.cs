using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

public sealed class ExampleEventsTests
{
    public static TheoryData<string> DetailTypes => [.. ProductEventTypes.All];

    [Fact]
    public void PublishesOneExamplePerDetailType()
    {
        var files = Directory.GetFiles(EventSamples.ExamplesDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order();

        Assert.Equal(ProductEventTypes.All.Order(), files);
    }

    [Theory]
    [MemberData(nameof(DetailTypes))]
    public void ExampleParsesAndValidates(string detailType)
    {
        var ok = ProductEventParser.TryParse(EventSamples.Bytes(EventSamples.ExampleText(detailType)), out var productEvent, out var errors);

        Assert.True(ok, string.Join("; ", errors));
        Assert.Equal(detailType, productEvent!.DetailType);
        Assert.Equal("demo", productEvent.Detail.TenantId);
        var result = new ProductEventValidator(EventSamples.Clock(), new PriceLimits()).Validate(productEvent);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [MemberData(nameof(DetailTypes))]
    public void ListingAndSaleExamplesUseTheDemoShoesCategory(string detailType)
    {
        ProductEventParser.TryParse(EventSamples.Bytes(EventSamples.ExampleText(detailType)), out var productEvent, out _);

        if (productEvent!.Type != ProductEventType.Delisted)
        {
            Assert.Equal("shoes", productEvent.Detail.Category);
        }
    }

    [Fact]
    public void SoldExampleCarriesAnImage()
    {
        ProductEventParser.TryParse(EventSamples.Bytes(EventSamples.ExampleText(ProductEventTypes.Sold)), out var sold, out _);

        Assert.True(sold!.Detail.ImageKey is not null || sold.Detail.ImageUrl is not null);
    }

    [Fact]
    public void SoldEventMapsToACarouselSaleWithItsSeason()
    {
        ProductEventParser.TryParse(EventSamples.Bytes(EventSamples.ExampleText(ProductEventTypes.Sold)), out var sold, out _);

        var sale = sold!.ToSaleRecord();

        Assert.Equal(new TenantId("demo"), sale.Tenant);
        Assert.Equal("p-10482", sale.ProductId);
        Assert.Equal("s-88213", sale.SaleId);
        Assert.Equal("shoes", sale.Category);
        Assert.Equal(ItemCondition.VeryGood, sale.Condition);
        Assert.Equal(52.50m, sale.SoldPrice);
        Assert.Equal("EUR", sale.Currency);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 2, 41, TimeSpan.Zero), sale.SoldAt);
        Assert.Equal("carousel", sale.Source);
        Assert.Equal("Q4", sale.Season);
        Assert.Equal(sold!.Detail.ImageKey, sale.ImageKey);
    }

    [Fact]
    public void OnlySoldEventsMapToASale()
    {
        ProductEventParser.TryParse(EventSamples.Bytes(EventSamples.ExampleText(ProductEventTypes.Listed)), out var listed, out _);

        Assert.Throws<InvalidOperationException>(() => listed!.ToSaleRecord());
    }

    [Fact]
    public void TimestampsWithAnOffsetAreNormalisedToUtc()
    {
        var node = EventSamples.Example(ProductEventTypes.Sold);
        node["detail"]!["soldAt"] = "2026-11-25T12:02:41+01:00";

        ProductEventParser.TryParse(EventSamples.Bytes(node), out var sold, out _);

        Assert.Equal(TimeSpan.Zero, sold!.Detail.SoldAt!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 2, 41, TimeSpan.Zero), sold.Detail.SoldAt);
    }

    [Fact]
    public void AcceptsAnEventUpToFiveMinutesAhead()
    {
        var node = EventSamples.Example(ProductEventTypes.Delisted);
        node["time"] = EventSamples.Now.AddMinutes(4).ToString("yyyy-MM-ddTHH:mm:ssZ");

        ProductEventParser.TryParse(EventSamples.Bytes(node), out var productEvent, out _);

        Assert.True(new ProductEventValidator(EventSamples.Clock(), new PriceLimits()).Validate(productEvent!).IsValid);
    }
}
