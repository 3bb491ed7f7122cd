using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Embedded;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Hosting;
using Portal.Web.Identity;
using static Portal.Web.Tests.Api.EventTestSupport;

namespace Portal.Web.Tests.Api;

[Collection(PortalCollection.Name)]
public sealed class EventEndpointTests(PortalFactory factory)
{
    private static readonly TenantId Demo = new("demo");

    private HttpClient Client(string? asUser = null)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (asUser is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}={asUser}");
        }

        return client;
    }

    [Fact]
    public async Task ThePublishedExamplesAreAcceptedListedThenSold()
    {
        // The example names the demo's bundled shoe photo by its image-store key; a seeded portal holds it, nothing is prepared here.
        var listed = Example("product.listed");
        var sold = Example("product.sold");
        var key = JsonNode.Parse(sold)!["detail"]!["imageKey"]!.GetValue<string>();
        Assert.True(File.Exists(Path.Combine(factory.Services.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value.ImagesDirectory, key)));
        using var client = Client();

        var first = await PostAsync(client, listed);
        var second = await PostAsync(client, sold);
        await DrainLakeAsync(factory.Services);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal("accepted", first.Body.GetProperty("events")[0].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, second.Status);
        Assert.Equal("accepted", second.Body.GetProperty("events")[0].GetProperty("status").GetString());
        var sale = await factory.Services.GetRequiredService<ISalesStore>().GetSaleAsync(Demo, "s-88213", CancellationToken.None);
        Assert.NotNull(sale);
        Assert.Equal(52.50m, sale.SoldPrice);
        Assert.Equal(1, await LakeRowsAsync(factory.Services, "s-88213"));

        var again = await PostAsync(client, sold);
        Assert.Equal("duplicate", again.Body.GetProperty("events")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task HostileEventsAreEachRejectedWithTheirReasonWhileValidNeighboursAreProcessed()
    {
        using var images = new LoopbackFileHost();
        var run = Guid.NewGuid().ToString("N")[..8];
        var corpus = HostileCorpus(run, images);
        Assert.True(corpus.Count >= 30);
        var valid = new List<JsonNode> { Listed($"ok1-{run}"), Sold($"ok1-{run}"), Listed($"ok2-{run}"), Sold($"ok2-{run}") };
        var batch = new JsonArray();
        foreach (var node in valid.Take(2))
        {
            batch.Add(node);
        }

        foreach (var (_, node, _) in corpus)
        {
            batch.Add(node?.DeepClone());
        }

        foreach (var node in valid.Skip(2))
        {
            batch.Add(node);
        }

        var store = factory.Services.GetRequiredService<ISalesStore>();
        var before = await store.CountSalesAsync(Demo, CancellationToken.None);
        using var client = Client();

        var (status, body, _) = await PostAsync(client, batch.ToJsonString());
        await DrainLakeAsync(factory.Services);

        Assert.Equal(HttpStatusCode.Accepted, status);
        var events = body.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(corpus.Count + 4, events.Count);
        Assert.All(events.Take(2).Concat(events.TakeLast(2)), e => Assert.Equal("accepted", e.GetProperty("status").GetString()));
        for (var i = 0; i < corpus.Count; i++)
        {
            var (name, _, expectedPath) = corpus[i];
            var outcome = events[i + 2];
            Assert.True(outcome.GetProperty("status").GetString() == "rejected", $"{name}: {outcome}");
            var paths = outcome.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("path").GetString()).ToList();
            Assert.True(paths.Any(p => p == expectedPath || p!.StartsWith(expectedPath + "[", StringComparison.Ordinal)), $"{name}: expected a reason at {expectedPath}, got {outcome}");
        }

        Assert.Equal(corpus.Count, body.GetProperty("rejected").GetInt32());
        Assert.Equal(before + 2, await store.CountSalesAsync(Demo, CancellationToken.None));
        Assert.Null(await store.GetSaleAsync(Demo, $"sale-bad-{run}", CancellationToken.None));
        Assert.Equal(2, await LakeRowsAsync(factory.Services, $"sale-ok"));
        Assert.Equal(0, await LakeRowsAsync(factory.Services, $"sale-bad"));
        var letters = await factory.Services.GetRequiredService<IDeadLetterStore>()
            .ListAsync(new DeadLetterQuery { AllTenants = true, Status = null, Limit = 1000 }, CancellationToken.None);
        Assert.Contains(letters, l => l.Category == DeadLetterCategory.ImageUnavailable && l.EventId == $"img-page-{run}");
        Assert.Contains(letters, l => l.Category == DeadLetterCategory.ImageUnavailable && l.EventId == $"img-huge-{run}");
        // A signed-in user is restricted to their own tenant, so another tenant — known or not — is "not permitted".
        Assert.Contains(letters, l => l.Category == DeadLetterCategory.TenantNotPermitted && l.EventId == $"bad-unknown-tenant-{run}");
    }

    [Theory]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("[]", HttpStatusCode.BadRequest)]
    [InlineData("{\"id\":\"a\",\"id\":\"b\"}", HttpStatusCode.BadRequest)]
    public async Task ABodyThatIsNotAnEventOrABatchIsRefusedAsAWhole(string body, HttpStatusCode expected)
    {
        using var client = Client();
        var (status, json, _) = await PostAsync(client, body);

        Assert.Equal(expected, status);
        Assert.NotEmpty(json.GetProperty("batchErrors").EnumerateArray());
        Assert.Empty(json.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task ABatchOf101IsRefusedWholeAndNothingIsWritten()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var batch = new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)Listed($"many-{run}-{i}"))]);
        using var client = Client();

        var (status, body, _) = await PostAsync(client, batch.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("101", body.GetProperty("batchErrors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var states = factory.Services.GetRequiredService<Portal.Core.Sync.IProductStateStore>();
        Assert.Null(await states.GetAsync(Demo, $"many-{run}-0", CancellationToken.None));
    }

    [Fact]
    public async Task TooLargeOrNotJsonBodiesGetTheirStatus()
    {
        using var client = Client();
        var huge = await PostAsync(client, "[" + new string(' ', 5 * 1024 * 1024) + "]");
        var text = await PostAsync(client, Listed("x").ToJsonString(), "text/plain");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Status);
    }

    [Fact]
    public async Task ATooLargeBodyIsRefusedNamingTheLimit()
    {
        using var client = Client();
        var huge = await PostAsync(client, "[" + new string(' ', 5 * 1024 * 1024) + "]");

        Assert.Equal("Too large", huge.Body.GetProperty("title").GetString());
        Assert.Equal($"The body is larger than {ProductEventLimits.MaxBatchBytes} bytes (at most 100 events).", huge.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnOpsUserPublishesOnlyForTheirOwnTenantAndAnAnalystNotAtAll()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var ops = Client("ops@example.com");
        using var analyst = Client("analyst@example.com");

        var own = await PostAsync(ops, Listed($"own-{run}").ToJsonString());
        var foreign = await PostAsync(ops, Listed($"foreign-{run}", tenant: "other").ToJsonString());
        var denied = await PostAsync(analyst, Listed($"analyst-{run}").ToJsonString());

        Assert.Equal("accepted", own.Body.GetProperty("events")[0].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, foreign.Status);
        var outcome = foreign.Body.GetProperty("events")[0];
        Assert.Equal("rejected", outcome.GetProperty("status").GetString());
        Assert.Contains("may only publish events for tenant 'demo'", outcome.GetProperty("reasons")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        var letters = await factory.Services.GetRequiredService<IDeadLetterStore>()
            .ListAsync(new DeadLetterQuery { Tenant = Demo, Category = DeadLetterCategory.TenantNotPermitted }, CancellationToken.None);
        Assert.Contains(letters, l => l.EventId == $"l-foreign-{run}");
    }

    /// <summary>Each entry: a name, the event (or a non-object), and the JSON path its reason must name.</summary>
    private static List<(string Name, JsonNode? Event, string Path)> HostileCorpus(string run, LoopbackFileHost images)
    {
        var corpus = new List<(string, JsonNode?, string)>();
        var n = 0;

        void Add(string name, string path, Action<JsonObject> mutate)
        {
            var e = Sold($"bad-{run}", eventId: $"bad-{name}-{run}");
            e["detail"]!["saleId"] = $"sale-bad-{run}";
            mutate(e);
            corpus.Add((name, e, path));
            n++;
        }

        var future = Stamp(DateTimeOffset.UtcNow.AddDays(1));
        var megabyte = new string('x', 1024 * 1024);
        Add("no-version", "version", e => e.Remove("version"));
        Add("wrong-version", "version", e => e["version"] = "1");
        Add("no-id", "id", e => e.Remove("id"));
        Add("numeric-id", "id", e => e["id"] = 42);
        Add("path-id", "id", e => e["id"] = "../../etc/passwd");
        Add("no-detail-type", "detail-type", e => e.Remove("detail-type"));
        Add("unknown-detail-type", "detail-type", e => e["detail-type"] = "product.stolen");
        Add("cased-detail-type", "detail-type", e => e["detail-type"] = "Product.Sold");
        Add("wrong-source", "source", e => e["source"] = "evil.source");
        Add("no-time", "time", e => e.Remove("time"));
        Add("text-time", "time", e => e["time"] = "yesterday");
        Add("future-time", "time", e => e["time"] = future);
        Add("ancient-time", "time", e => e["time"] = "1999-12-31T23:59:59Z");
        Add("no-detail", "detail", e => e.Remove("detail"));
        Add("string-detail", "detail", e => e["detail"] = "sold!");
        Add("no-tenant", "detail.tenantId", e => e["detail"]!.AsObject().Remove("tenantId"));
        Add("bad-tenant", "detail.tenantId", e => e["detail"]!["tenantId"] = "DEMO!");
        Add("no-product", "detail.productId", e => e["detail"]!.AsObject().Remove("productId"));
        Add("negative-price", "detail.soldPrice", e => e["detail"]!["soldPrice"] = -10);
        Add("zero-price", "detail.soldPrice", e => e["detail"]!["soldPrice"] = 0);
        Add("absurd-price", "detail.soldPrice", e => e["detail"]!["soldPrice"] = 1_000_000_000_000m);
        Add("string-price", "detail.soldPrice", e => e["detail"]!["soldPrice"] = "12.50");
        Add("overflow-price", "detail.soldPrice", e => e["detail"]!["soldPrice"] = JsonNode.Parse("1e400"));
        Add("bad-currency", "detail.currency", e => e["detail"]!["currency"] = "euro");
        Add("future-sold-at", "detail.soldAt", e => e["detail"]!["soldAt"] = future);
        Add("no-sale-id", "detail.saleId", e => e["detail"]!.AsObject().Remove("saleId"));
        Add("megabyte-title", "$", e => e["detail"]!["title"] = megabyte);
        Add("control-characters", "detail.description", e => e["detail"]!["description"] = "a\u0000b");
        Add("unknown-condition", "detail.condition", e => e["detail"]!["condition"] = "mint");
        Add("cased-category", "detail.category", e => e["detail"]!["category"] = "Shoes");
        Add("traversal-image-key", "detail.imageKey", e => e["detail"]!["imageKey"] = "../../etc/passwd");
        Add("file-image-url", "detail.imageUrl", e => e["detail"]!["imageUrl"] = "file:///etc/passwd");
        Add("credential-image-url", "detail.imageUrl", e => e["detail"]!["imageUrl"] = "http://user:secret@example.com/a.jpg");
        Add("unknown-tenant", "detail.tenantId", e => e["detail"]!["tenantId"] = "nobody");
        corpus.Add(("number", JsonValue.Create(42), "$"));
        corpus.Add(("null", null, "$"));
        corpus.Add(("nested-array", new JsonArray(Listed("nested")), "$"));

        var page = Sold($"img-page-{run}", eventId: $"img-page-{run}");
        page["detail"]!["saleId"] = $"sale-bad-page-{run}";
        page["detail"]!["imageUrl"] = images.Url("page.jpg");
        corpus.Add(("non-image-url", page, "detail.imageUrl"));
        var huge = Sold($"img-huge-{run}", eventId: $"img-huge-{run}");
        huge["detail"]!["saleId"] = $"sale-bad-huge-{run}";
        huge["detail"]!["imageUrl"] = images.Url("huge.jpg");
        corpus.Add(("huge-image-url", huge, "detail.imageUrl"));
        return corpus;
    }
}
