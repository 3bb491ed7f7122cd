using System.Text.Json.Nodes;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

/// <summary>Guards the published schema against drifting from the code's constants.</summary>
public sealed class EventSchemaTests
{
    private static readonly JsonObject Schema =
        JsonNode.Parse(File.ReadAllText(Path.Combine(EventSamples.RepoRoot, "docs", "events", "product-event.schema.json")))!.AsObject();

    private static JsonObject Defs => Schema["$defs"]!.AsObject();

    private static JsonObject DetailProperties => Defs["detail"]!["properties"]!.AsObject();

    [Fact]
    public void IsDraft202012()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)Schema["$schema"]);
    }

    [Fact]
    public void ListsTheSameDetailTypes()
    {
        var types = Schema["properties"]!["detail-type"]!["enum"]!.AsArray().Select(n => (string?)n);

        Assert.Equal(ProductEventTypes.All, types);
        Assert.Equal(ProductEventTypes.All.Count, Schema["oneOf"]!.AsArray().Count);
    }

    [Fact]
    public void ListsTheConditionWireNames()
    {
        var conditions = DetailProperties["condition"]!["enum"]!.AsArray();

        // null counts as absent, and condition is optional on a sale.
        Assert.Equal(ItemConditions.All.Select(c => c.ToWireName()), conditions.Where(n => n is not null).Select(n => (string?)n));
        Assert.Contains(null, conditions);
    }

    [Fact]
    public void StatesTheSameLimits()
    {
        // The maximum is configured per currency, so the schema states only the bound no configuration can pass.
        Assert.Equal(PriceLimits.Ceiling, (decimal)Defs["price"]!["exclusiveMaximum"]!);
        Assert.Null(Defs["price"]!["maximum"]);
        Assert.Contains(PriceLimits.SectionName, (string?)Defs["price"]!["description"]);
        // A configured minimum must be above 0, so the smallest one any configuration can set is the smallest positive decimal.
        Assert.Equal(0.0000000000000000000000000001m, (decimal)Defs["price"]!["minimum"]!);
        Assert.Equal(ProductEventLimits.MaxTitleLength, (int)DetailProperties["title"]!["maxLength"]!);
        Assert.Equal(ProductEventLimits.MaxDescriptionLength, (int)DetailProperties["description"]!["maxLength"]!);
        Assert.Equal(ProductEventLimits.MaxBrandLength, (int)DetailProperties["brand"]!["maxLength"]!);
        Assert.Equal(ProductEventLimits.MaxIdLength, (int)Defs["safeId"]!["maxLength"]!);
        Assert.Equal(ProductEventLimits.MaxUrlLength, (int)Defs["imageUrl"]!["maxLength"]!);
        Assert.Equal(ProductEventLimits.MaxImages, (int)DetailProperties["imageKeys"]!["maxItems"]!);
        Assert.Equal(ProductEventLimits.MaxImages, (int)DetailProperties["imageUrls"]!["maxItems"]!);
        Assert.Equal(ProductEventLimits.MaxResources, (int)Schema["properties"]!["resources"]!["maxItems"]!);
    }

    [Fact]
    public void UsesTheImageKeyPattern()
    {
        Assert.Equal(@"^[a-z0-9][a-z0-9-]{0,63}/[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png|webp|gif)(?!\n)$", (string?)Defs["imageKey"]!["pattern"]);
    }
}
