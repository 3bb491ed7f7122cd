using System.Text.Json.Nodes;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

public sealed class BatchParsingTests
{
    private static readonly ProductEventValidator Validator = new(EventSamples.Clock(), new PriceLimits());

    [Fact]
    public void KeepsTheValidEventAndRejectsTheInvalidOne()
    {
        var invalid = EventSamples.Example(ProductEventTypes.Sold);
        invalid["id"] = "bad-one";
        invalid["detail"]!["soldPrice"] = -5;
        var batch = new JsonArray(EventSamples.Example(ProductEventTypes.Sold), invalid);

        var result = ProductEventParser.ParseBatch(EventSamples.Bytes(batch), Validator);

        Assert.False(result.IsBatchRejected);
        var accepted = Assert.Single(result.Accepted);
        Assert.Equal("c5d8a3e2-71f4-4b0a-9e36-2f1d0c9b8a77", accepted.Id);
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal(1, rejected.Index);
        Assert.Equal("bad-one", rejected.Id);
        Assert.Contains(rejected.Errors, e => e.Path == "detail.soldPrice");
    }

    [Fact]
    public void KeepsValidEventsAroundOneThatIsNotEvenAnObject()
    {
        var batch = new JsonArray(EventSamples.Example(ProductEventTypes.Listed), JsonValue.Create(42), EventSamples.Example(ProductEventTypes.Delisted));

        var result = ProductEventParser.ParseBatch(EventSamples.Bytes(batch), Validator);

        Assert.Equal(2, result.Accepted.Count);
        Assert.Equal(1, Assert.Single(result.Rejected).Index);
    }

    [Fact]
    public void AcceptsASingleEnvelope()
    {
        var result = ProductEventParser.ParseBatch(EventSamples.Bytes(EventSamples.ExampleText(ProductEventTypes.Updated)), Validator);

        Assert.Equal(ProductEventType.Updated, Assert.Single(result.Accepted).Type);
    }

    [Fact]
    public void AcceptsOneHundredEvents()
    {
        var result = ProductEventParser.ParseBatch(EventSamples.Bytes(Batch(100)), Validator);

        Assert.Equal(100, result.Accepted.Count);
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public void RejectsABatchOfOneHundredAndOne()
    {
        var result = ProductEventParser.ParseBatch(EventSamples.Bytes(Batch(101)), Validator);

        Assert.True(result.IsBatchRejected);
        Assert.Empty(result.Accepted);
        var error = Assert.Single(result.BatchErrors);
        Assert.Equal("$", error.Path);
        Assert.Contains("101", error.Message);
    }

    [Fact]
    public void RejectsAnEmptyBatch()
    {
        Assert.True(ProductEventParser.ParseBatch("[]"u8, Validator).IsBatchRejected);
    }

    [Fact]
    public void RejectsMalformedBatchAsAWhole()
    {
        var result = ProductEventParser.ParseBatch("[{\"version\":"u8, Validator);

        Assert.Equal("$", Assert.Single(result.BatchErrors).Path);
    }

    [Fact]
    public void SingleEventParserRefusesAnArray()
    {
        var ok = ProductEventParser.TryParse(EventSamples.Bytes(Batch(1)), out var productEvent, out var errors);

        Assert.False(ok);
        Assert.Null(productEvent);
        Assert.Equal("$", Assert.Single(errors).Path);
    }

    private static JsonArray Batch(int count)
    {
        var array = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var e = EventSamples.Example(ProductEventTypes.Sold);
            e["id"] = $"evt-{i}";
            e["detail"]!["saleId"] = $"s-{i}";
            array.Add(e);
        }

        return array;
    }
}
