using System.Text;
using System.Text.Json.Nodes;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

/// <summary>Malformed and hostile events, as data: each must be rejected with a reason that names the field.</summary>
public sealed class HostileEventCorpusTests
{
    private const string Sold = ProductEventTypes.Sold;
    private const string Listed = ProductEventTypes.Listed;
    private static readonly string Hex64 = new('a', 64);

    private sealed record Case(Func<byte[]> Body, string ExpectedPath);

    private static readonly Dictionary<string, Case> Corpus = new()
    {
        // Not JSON, or not an event.
        ["invalid JSON"] = Raw("{not json", "$"),
        ["truncated JSON"] = new(() => EventSamples.Bytes(EventSamples.ExampleText(Sold)[..200]), "$"),
        ["empty body"] = Raw("", "$"),
        ["JSON null"] = Raw("null", "$"),
        ["top-level string"] = Raw("\"product.sold\"", "$"),
        ["trailing comma"] = new(() => EventSamples.Bytes(EventSamples.ExampleText(Sold).TrimEnd().TrimEnd('}') + ",}"), "$"),
        ["comment"] = new(() => EventSamples.Bytes("/* hi */" + EventSamples.ExampleText(Sold)), "$"),
        ["duplicate soldPrice key"] = new(() => EventSamples.Bytes(EventSamples.ExampleText(Sold).Replace("\"soldPrice\": 52.50,", "\"soldPrice\": 52.50, \"soldPrice\": 0.01,")), "$"),
        ["nested depth bomb"] = new(() => EventSamples.Bytes(EventSamples.ExampleText(Sold).Replace("\"detail\": {", "\"detail\": {\"x\": " + new string('[', 10_000) + new string(']', 10_000) + ",")), "$"),
        ["1 MB string"] = Mutate(Sold, e => e["detail"]!["title"] = new string('x', 1024 * 1024), "$"),

        // Envelope.
        ["missing version"] = Mutate(Sold, e => e.Remove("version"), "version"),
        ["version 1"] = Mutate(Sold, e => e["version"] = "1", "version"),
        ["version as number"] = Mutate(Sold, e => e["version"] = 0, "version"),
        ["missing id"] = Mutate(Sold, e => e.Remove("id"), "id"),
        ["empty id"] = Mutate(Sold, e => e["id"] = "", "id"),
        ["129-character id"] = Mutate(Sold, e => e["id"] = new string('a', 129), "id"),
        ["missing detail-type"] = Mutate(Sold, e => e.Remove("detail-type"), "detail-type"),
        ["unknown detail-type"] = Mutate(Sold, e => e["detail-type"] = "product.exploded", "detail-type"),
        ["detail-type in other case"] = Mutate(Sold, e => e["detail-type"] = "Product.Sold", "detail-type"),
        ["wrong source"] = Mutate(Sold, e => e["source"] = "evil.products", "source"),
        ["time not a timestamp"] = Mutate(Sold, e => e["time"] = "yesterday", "time"),
        ["time as number"] = Mutate(Sold, e => e["time"] = 1764068565, "time"),
        ["time a day ahead"] = Mutate(Sold, e => e["time"] = "2026-11-29T15:00:00Z", "time"),
        ["time before 2000"] = Mutate(Sold, e => e["time"] = "1970-01-01T00:00:00Z", "time"),
        ["resources as string"] = Mutate(Sold, e => e["resources"] = "arn:aws:x", "resources"),
        ["missing detail"] = Mutate(Sold, e => e.Remove("detail"), "detail"),
        ["detail as string"] = Mutate(Sold, e => e["detail"] = "{}", "detail"),

        // Who and what.
        ["missing tenantId"] = Detail(Sold, d => d.Remove("tenantId"), "detail.tenantId"),
        ["tenantId as number"] = Detail(Sold, d => d["tenantId"] = 42, "detail.tenantId"),
        ["tenantId with capitals and bang"] = Detail(Sold, d => d["tenantId"] = "Demo!", "detail.tenantId"),
        ["productId with ../"] = Detail(Sold, d => d["productId"] = "../../etc/passwd", "detail.productId"),
        ["productId with NUL"] = Detail(Sold, d => d["productId"] = "p-1\u0000", "detail.productId"),
        ["productId with newline"] = Detail(Sold, d => d["productId"] = "p-1\nX-Injected: yes", "detail.productId"),
        ["productId with backslash"] = Detail(Sold, d => d["productId"] = "p\\1", "detail.productId"),
        ["saleId with slash"] = Detail(Sold, d => d["saleId"] = "s/1", "detail.saleId"),
        ["missing saleId"] = Detail(Sold, d => d.Remove("saleId"), "detail.saleId"),

        // Prices and money.
        ["negative soldPrice"] = Detail(Sold, d => d["soldPrice"] = -52.5m, "detail.soldPrice"),
        ["zero soldPrice"] = Detail(Sold, d => d["soldPrice"] = 0, "detail.soldPrice"),
        ["absurd soldPrice"] = Detail(Sold, d => d["soldPrice"] = 1_000_000_000m, "detail.soldPrice"),
        ["soldPrice just over the EUR limit"] = Detail(Sold, d => d["soldPrice"] = 10_000_000.01m, "detail.soldPrice"),
        ["soldPrice below the minimum"] = Detail(Sold, d => d["soldPrice"] = 0.001m, "detail.soldPrice"),
        ["soldPrice beyond decimal"] = new(() => EventSamples.Bytes(EventSamples.ExampleText(Sold).Replace("\"soldPrice\": 52.50", "\"soldPrice\": 1e400")), "detail.soldPrice"),
        ["soldPrice NaN as string"] = Detail(Sold, d => d["soldPrice"] = "NaN", "detail.soldPrice"),
        ["soldPrice as string"] = Detail(Sold, d => d["soldPrice"] = "52.50", "detail.soldPrice"),
        ["soldPrice as boolean"] = Detail(Sold, d => d["soldPrice"] = true, "detail.soldPrice"),
        ["missing soldPrice"] = Detail(Sold, d => d.Remove("soldPrice"), "detail.soldPrice"),
        ["negative askingPrice"] = Detail(Listed, d => d["askingPrice"] = -1, "detail.askingPrice"),
        ["lower-case currency"] = Detail(Sold, d => d["currency"] = "eur", "detail.currency"),
        ["four-letter currency"] = Detail(Sold, d => d["currency"] = "EURO", "detail.currency"),

        // Dates.
        ["soldAt in the future"] = Detail(Sold, d => d["soldAt"] = "2027-01-01T00:00:00Z", "detail.soldAt"),
        ["soldAt without offset"] = Detail(Sold, d => d["soldAt"] = "2026-11-25T11:02:41", "detail.soldAt"),
        ["soldAt impossible date"] = Detail(Sold, d => d["soldAt"] = "2026-02-30T11:02:41Z", "detail.soldAt"),
        ["missing soldAt"] = Detail(Sold, d => d.Remove("soldAt"), "detail.soldAt"),

        // Listing fields.
        ["unknown condition"] = Detail(Sold, d => d["condition"] = "mint", "detail.condition"),
        ["title of 301 characters"] = Detail(Listed, d => d["title"] = new string('t', 301), "detail.title"),
        ["title of 20,000 characters"] = Detail(Listed, d => d["title"] = new string('t', 20_000), "detail.title"),
        ["title with a bell"] = Detail(Listed, d => d["title"] = "Shoes\u0007", "detail.title"),
        ["description of 5,001 characters"] = Detail(Listed, d => d["description"] = new string('d', 5_001), "detail.description"),
        ["listed without title"] = Detail(Listed, d => d.Remove("title"), "detail.title"),
        ["listed without askingPrice"] = Detail(Listed, d => d.Remove("askingPrice"), "detail.askingPrice"),
        ["category with a slash"] = Detail(Listed, d => d["category"] = "shoes/../bags", "detail.category"),

        // Images.
        ["imageUrl to file:///etc/passwd"] = Detail(Sold, d => d["imageUrl"] = "file:///etc/passwd", "detail.imageUrl"),
        ["imageUrl with credentials"] = Detail(Sold, d => d["imageUrl"] = "https://admin:hunter2@images.example/a.jpg", "detail.imageUrl"),
        ["relative imageUrl"] = Detail(Sold, d => d["imageUrl"] = "/images/a.jpg", "detail.imageUrl"),
        ["javascript imageUrl"] = Detail(Sold, d => d["imageUrl"] = "javascript:alert(1)", "detail.imageUrl"),
        ["imageKey with ../"] = Detail(Sold, d => d["imageKey"] = "demo/../../etc/passwd", "detail.imageKey"),
        ["imageKey with upper-case hex"] = Detail(Sold, d => d["imageKey"] = "demo/AB/" + Hex64.ToUpperInvariant() + ".jpg", "detail.imageKey"),
        ["imageKey with svg"] = Detail(Sold, d => d["imageKey"] = "demo/ab/" + Hex64 + ".svg", "detail.imageKey"),
        ["imageKey of another tenant"] = Detail(Sold, d => d["imageKey"] = "other/aa/" + Hex64 + ".jpg", "detail.imageKey"),
        ["imageKeys with another tenant's key"] = Detail(Listed, d => d["imageKeys"] = new JsonArray("demo/aa/" + Hex64 + ".jpg", "other/aa/" + Hex64 + ".jpg"), "detail.imageKeys[1]"),
        ["imageKeys as string"] = Detail(Listed, d => d["imageKeys"] = "demo/ab/" + Hex64 + ".jpg", "detail.imageKeys"),
        ["imageUrls with a file URL"] = Detail(Listed, d => d["imageUrls"] = new JsonArray("file:///etc/passwd"), "detail.imageUrls[0]"),
        ["imageUrls with a number"] = Detail(Listed, d => d["imageUrls"] = new JsonArray(JsonValue.Create(7)), "detail.imageUrls[0]"),
        ["21 imageUrls"] = Detail(Listed, d => d["imageUrls"] = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)$"https://images.example/{i}.jpg")]), "detail.imageUrls"),
        ["invalid UTF-8 in title"] = new(InvalidUtf8Title, "detail.title"),
    };

    public static TheoryData<string> Cases => [.. Corpus.Keys];

    [Fact]
    public void CorpusHasAtLeastThirtyCases() => Assert.True(Corpus.Count >= 30);

    [Theory]
    [MemberData(nameof(Cases))]
    public void RejectsWithAReasonNamingTheField(string name)
    {
        var corpusCase = Corpus[name];

        var errors = ParseAndValidate(corpusCase.Body());

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Path == corpusCase.ExpectedPath && !string.IsNullOrWhiteSpace(e.Message));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchReaderRejectsTheSameEventWithoutThrowing(string name)
    {
        var batch = ProductEventParser.ParseBatch(Corpus[name].Body(), new ProductEventValidator(EventSamples.Clock(), new PriceLimits()));

        Assert.Empty(batch.Accepted);
        Assert.True(batch.IsBatchRejected || batch.Rejected.Count == 1);
    }

    [Fact]
    public void ErrorMessagesDoNotEchoHugeValues()
    {
        var errors = ParseAndValidate(Corpus["title of 20,000 characters"].Body());

        Assert.All(errors, e => Assert.True(e.Message.Length < 500, e.Message));
    }

    internal static IReadOnlyList<EventError> ParseAndValidate(byte[] body)
    {
        if (!ProductEventParser.TryParse(body, out var productEvent, out var errors))
        {
            return errors;
        }

        return ProductEventValidator.ToEventErrors(new ProductEventValidator(EventSamples.Clock(), new PriceLimits()).Validate(productEvent!));
    }

    private static Case Raw(string json, string path) => new(() => EventSamples.Bytes(json), path);

    private static Case Mutate(string detailType, Action<JsonObject> change, string path) => new(() =>
    {
        var node = EventSamples.Example(detailType);
        change(node);
        return EventSamples.Bytes(node);
    }, path);

    private static Case Detail(string detailType, Action<JsonObject> change, string path) =>
        Mutate(detailType, e => change(e["detail"]!.AsObject()), path);

    private static byte[] InvalidUtf8Title()
    {
        var text = EventSamples.ExampleText(Listed);
        var marker = "Nordvik black leather derby shoes, size 42";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(text[..at]);
        var after = Encoding.UTF8.GetBytes(text[(at + marker.Length)..]);
        return [.. before, (byte)'a', 0xC3, 0x28, (byte)'b', .. after];
    }
}
