using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Web.Tests.Api;

[Collection(PortalCollection.Name)]
public sealed class HostTests(PortalFactory factory)
{
    [Fact]
    public async Task LivenessAndReadinessAnswer()
    {
        using var client = factory.CreateClient();
        // The checks' detail is for Ops (anonymous callers and other roles get the status alone).
        client.DefaultRequestHeaders.Add("Cookie", $"{Identity.DevelopmentAuthenticationHandler.CookieName}=ops@example.com");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        foreach (var check in new[] { "store", "lake", "model", "index" })
        {
            Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task PublishesTheOpenApiDocumentWithThePricingEndpoint()
    {
        using var client = factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/pricing/calculate", out _));
    }

    [Fact]
    public async Task ServesTheOverviewPage()
    {
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains("Pricing Portal", html);
        Assert.Contains("development sign-in", html);
    }

    [Fact]
    public async Task RefusesImageKeysWithPathTricks()
    {
        using var client = factory.CreateClient();

        foreach (var key in new[] { "demo/../../sales.db", "demo/%2e%2e/%2e%2e/sales.db", "other-tenant/ab/abc.jpg", "demo/ab/..%2f..%2fsales.db" })
        {
            var response = await client.GetAsync("/images/" + key);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
