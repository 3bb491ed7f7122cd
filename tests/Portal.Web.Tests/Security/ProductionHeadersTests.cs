using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Primitives;

namespace Portal.Web.Tests.Security;

/// <summary>
/// The Production host's response headers, its trust of a TLS-terminating proxy and what the health endpoints tell whom.
/// Requests that must come from a given address go through <see cref="TestServer.SendAsync"/>, which sets the connection.
/// </summary>
public sealed partial class ProductionHeadersTests : IAsyncLifetime
{
    private const string Proxy = "10.20.0.5";
    private const string ProxyNetwork = "10.30.0.0/16";
    private readonly ConfiguredPortalFactory _production = new("Production", new Dictionary<string, string?>(ConfiguredPortalFactory.DummyAzureAd)
    {
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["ForwardedHeaders:KnownNetworks:0"] = ProxyNetwork,
    });

    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = _production.WithWebHostBuilder(builder => builder.ConfigureTestServices(HeaderIdentityHandler.Register));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _production.DisposeAsync();
    }

    [Fact]
    public async Task PagesCarryAScriptPolicyWhoseNonceTheImportMapUses()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/account/access-denied");
        // Attribute values as a browser reads them: Razor encodes a '+' of the base64 nonce as an entity.
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("base-uri 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        var nonce = NonceInPolicy().Match(csp).Groups[1].Value;
        Assert.Matches($"<script[^>]*type=\"importmap\"[^>]*nonce=\"{Regex.Escape(nonce)}\"|<script[^>]*nonce=\"{Regex.Escape(nonce)}\"[^>]*type=\"importmap\"", html);

        using var again = await client.GetAsync("/account/access-denied");
        Assert.DoesNotContain($"'nonce-{nonce}'", Assert.Single(again.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryResponseForbidsSniffingAndLimitsTheReferrer()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/account/access-denied", "/health/live", "/api/trends/monthly", "/app.css" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(["strict-origin-when-cross-origin"], response.Headers.GetValues("Referrer-Policy"));
        }
    }

    [Theory]
    [InlineData(Proxy)]
    [InlineData("10.30.7.9")]
    public async Task BehindAConfiguredProxyForwardedHttpsGetsHstsAndSecureCookies(string proxyAddress)
    {
        var context = await ThroughAsync(proxyAddress, "https");

        Assert.Equal("https", context.Request.Scheme);
        Assert.True(context.Response.Headers.StrictTransportSecurity.Count > 0, "no Strict-Transport-Security");
        var antiforgery = context.Response.Headers.SetCookie.Where(c => c!.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(antiforgery);
        Assert.All(antiforgery, cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ForwardedHttpsFromAnUnknownAddressIsIgnored()
    {
        var context = await ThroughAsync("192.0.2.77", "https");

        Assert.Equal("http", context.Request.Scheme);
        Assert.Equal(0, context.Response.Headers.StrictTransportSecurity.Count);
        Assert.All(context.Response.Headers.SetCookie, cookie => Assert.DoesNotContain("secure", cookie!, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task HealthAnswersAnonymousCallersWithTheStatusOnly()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var response = await client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            var body = JsonSerializer.Deserialize<JsonElement>(text);
            Assert.Equal(["status"], body.EnumerateObject().Select(p => p.Name));
            Assert.DoesNotContain("portal-security-tests-", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Analyst", false)]
    [InlineData("Admin", false)]
    [InlineData("Ops", true)]
    public async Task HealthDetailIsForOpsOnly(string role, bool detailed)
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(HeaderIdentityHandler.RolesHeader, role);
        client.DefaultRequestHeaders.Add(HeaderIdentityHandler.TenantHeader, "demo");

        using var response = await client.GetAsync("/health/ready");
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonSerializer.Deserialize<JsonElement>(text);

        Assert.Equal(detailed, body.TryGetProperty("checks", out _));
        Assert.Equal(detailed, text.Contains("portal-security-tests-", StringComparison.Ordinal));
    }

    /// <summary>A page request arriving from <paramref name="remoteAddress"/> with <c>X-Forwarded-Proto</c>, on a public host name (HSTS skips localhost).</summary>
    private Task<HttpContext> ThroughAsync(string remoteAddress, string forwardedProto) =>
        _factory.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("portal.example.com");
            context.Request.Path = "/account/no-tenant";
            context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            context.Request.Headers["X-Forwarded-For"] = "203.0.113.10";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
        });

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();
}

public sealed class ForwardedHeadersSettingsTests
{
    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "not-an-address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.1")]
    public async Task ABadProxySettingStopsTheHostNamingIt(string key, string value)
    {
        await using var factory = new ConfiguredPortalFactory("Production", new Dictionary<string, string?>(ConfiguredPortalFactory.DummyAzureAd) { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(value, error.ToString(), StringComparison.Ordinal);
    }
}
