using System.Net;
using System.Net.Http.Headers;

namespace Portal.Web.Tests.Security;

/// <summary>The host as deployed: Entra ID configured (dummy values; no identity provider is ever contacted).</summary>
public sealed class ProductionSignInTests : IAsyncLifetime
{
    private readonly ConfiguredPortalFactory _factory = new("Production", ConfiguredPortalFactory.DummyAzureAd);

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ThePricingApiWithoutATokenIs401()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var content = new MultipartFormDataContent { { new StringContent("shoes"), "category" } };
        var response = await client.PostAsync("/api/pricing/calculate", content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AForgedBearerTokenIs401()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJwb3J0YWw6dGVuYW50IjoiZGVtbyJ9.");

        using var content = new MultipartFormDataContent { { new StringContent("shoes"), "category" } };
        var response = await client.PostAsync("/api/pricing/calculate", content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PagesRedirectAnonymousVisitorsToTheLoginEndpointKeepingTheReturnUrl()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/sales");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("sales", Uri.UnescapeDataString(response.Headers.Location.Query), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImagesAreNotServedAnonymously()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/images/demo/ab/abcdef.jpg");

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.NotEqual("image/jpeg", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HealthAndTheOpenApiDocumentStayAnonymous()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task TheAccessDeniedAndNoTenantPagesAreAnonymous()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        Assert.Contains("Access denied", await client.GetStringAsync("/account/access-denied"));
        Assert.Contains("not linked to a tenant", await client.GetStringAsync("/account/no-tenant"));
    }
}

public sealed class StartupRefusalTests
{
    [Fact]
    public async Task ProductionWithoutTheAzureAdKeysFailsAtStartNamingThem()
    {
        await using var factory = new ConfiguredPortalFactory("Production", new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "",
            ["AzureAd:TenantId"] = "",
            ["AzureAd:ClientId"] = "",
            ["AzureAd:ClientSecret"] = "",
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = error.ToString();
        Assert.Contains("AzureAd:Instance", message);
        Assert.Contains("AzureAd:TenantId", message);
        Assert.Contains("AzureAd:ClientId", message);
        Assert.Contains("AzureAd:ClientSecret", message);
    }

    [Fact]
    public async Task AnIdentityProviderInstanceOverPlainHttpFailsAtStartInsteadOfEveryRequest()
    {
        var settings = new Dictionary<string, string?>(ConfiguredPortalFactory.DummyAzureAd) { ["AzureAd:Instance"] = "http://login.example/" };
        await using var factory = new ConfiguredPortalFactory("Production", settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("AzureAd:Instance 'http://login.example/' is not an absolute HTTPS URL", error.ToString());
    }

    [Fact]
    public async Task TheDevelopmentSignInIsRefusedOutsideDevelopment()
    {
        var settings = new Dictionary<string, string?>(ConfiguredPortalFactory.DummyAzureAd) { ["Portal:Authentication"] = "Development" };
        await using var factory = new ConfiguredPortalFactory("Production", settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("refused outside the Development environment", error.ToString());
    }

    [Fact]
    public void OnlyLocalReturnUrlsAreFollowed()
    {
        Assert.Equal("/sales?x=1", Identity.AccountEndpoints.LocalOrRoot("/sales?x=1"));
        foreach (var hostile in new[] { "https://evil.example", "//evil.example", "/\\evil.example", "evil", "", null })
        {
            Assert.Equal("/", Identity.AccountEndpoints.LocalOrRoot(hostile));
        }
    }
}
