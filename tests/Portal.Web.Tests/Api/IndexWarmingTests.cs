using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Infrastructure.Demo;
using Portal.Web.Tests.Fakes;
using Portal.Web.Tests.Security;

namespace Portal.Web.Tests.Api;

/// <summary>
/// A second portal on the demo data whose index load is held at a gate part-way: it answers at once, marks its prices
/// "warming", and tells the load balancer it is not ready until the load completes.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class IndexWarmingTests(PortalFactory factory)
{
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task PricesAreMarkedWarmingAndReadinessWaitsUntilTheIndexHasLoaded()
    {
        GatedLoadSalesStore? gated = null;
        await using var warming = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Portal:SeedDemoData", "false");
            builder.ConfigureTestServices(services => services.AddSingleton(sp => new SalesIndexLoader(
                gated = new GatedLoadSalesStore(sp.GetRequiredService<ISalesStore>(), passFirst: 150),
                sp.GetRequiredService<ISalesIndex>(), TimeProvider.System, sp.GetRequiredService<IndexLoadProgress>(), parallelism: 2)));
        });
        using var client = warming.CreateClient();
        var loader = warming.Services.GetRequiredService<SalesIndexLoader>();
        await WaitForGateAsync(() => gated);

        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        var (status, body) = await PriceAsync(client);
        Assert.Equal(HttpStatusCode.OK, status);
        var marked = body.GetProperty("warming");
        Assert.Equal(JsonValueKind.Object, marked.ValueKind);
        Assert.InRange(marked.GetProperty("salesLoaded").GetInt64(), 1, 150);
        Assert.True(marked.GetProperty("estimatedSales").GetInt64() >= 300);
        Assert.InRange(marked.GetProperty("percentLoaded").GetDouble(), 0.1, 50);
        Assert.False(loader.IsLoaded);

        gated!.Open();
        await loader.Loaded.WaitAsync(Hang);

        (status, body) = await PriceAsync(client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("warming").ValueKind);
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    public async Task ABadIndexLoadParallelismStopsTheHostNamingIt(string value)
    {
        await using var portal = new ConfiguredPortalFactory("Development", new Dictionary<string, string?> { ["Portal:IndexLoadParallelism"] = value });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("Portal:IndexLoadParallelism", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The host builds its loader (and so the gate) on start; the load reaches the gate in the background.</summary>
    private static async Task WaitForGateAsync(Func<GatedLoadSalesStore?> gate)
    {
        var store = gate() ?? throw new InvalidOperationException("The host did not build the gated index loader.");
        await store.Reached.WaitAsync(Hang);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PriceAsync(HttpClient client)
    {
        using var form = new MultipartFormDataContent();
        var photo = new ByteArrayContent(DemoSamples.ShoePhoto.ToArray());
        photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(photo, "images", "shoe.jpg");
        form.Add(new StringContent("shoes"), "category");
        form.Add(new StringContent("very_good"), "condition");
        using var response = await client.PostAsync("/api/pricing/calculate", form);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
