using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;

namespace Portal.Web.Tests.Security.SignIn;

/// <summary>
/// The portal as deployed — Production environment, Entra ID sign-in through Microsoft.Identity.Web, the demo tenant seeded —
/// on HTTPS on a loopback port (Kestrel) with its authority on the loopback provider (<see cref="EntraTestProvider"/>), also
/// HTTPS. Real HTTP both ends: the portal fetches the provider's metadata and keys and redeems codes over the wire; the tests
/// drive it like a browser (<see cref="FollowAsync"/>). The one test-only change to the portal: its outgoing HTTP clients
/// trust the run's certificate (<see cref="LoopbackTls"/>), as a machine trusts its organisation's CA.
/// </summary>
public sealed partial class ProductionSignInHost : IAsyncLifetime
{
    /// <summary>The portal's app registration (the audience of its tokens).</summary>
    public const string ClientId = "5f3c7a4e-2b1d-4c8e-9a6f-0d1e2f3a4b5c";

    /// <summary>A customer directory mapped to the portal's demo tenant.</summary>
    public const string DemoDirectory = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    /// <summary>Another customer directory, mapped to the tenant <c>other</c>.</summary>
    public const string OtherDirectory = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";

    /// <summary>The portal operator's own directory, where the event publisher app is registered (in no <c>Tenancy:Map</c>).</summary>
    public const string OperatorDirectory = "c2d7a1f0-5b6e-4e8a-8f3d-7a9b0c1d2e3f";

    /// <summary>A directory that signs in fine but is in no <c>Tenancy:Map</c>.</summary>
    public const string UnmappedDirectory = "6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-sign-in-tests-").FullName;
    private LoopbackTls? _tls;
    private Factory? _factory;

    public EntraTestProvider Provider { get; private set; } = null!;

    /// <summary><c>https://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _tls = new LoopbackTls();
        Provider = await EntraTestProvider.StartAsync(_tls);
        _factory = new Factory(this);
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_tls.Certificate)));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single(a => a.StartsWith("https://", StringComparison.Ordinal));
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");

        using var browser = CreateBrowser();
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            using var ready = await browser.GetAsync("health/ready");
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (DateTime.UtcNow > deadline || ready.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                throw new TimeoutException($"The portal did not become ready within 4 minutes: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(250);
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        _tls?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; it is in the temp directory anyway.
        }
    }

    /// <summary>A person's claims as Entra puts them in an ID or access token.</summary>
    public static Dictionary<string, object?> Person(string directory, string name, params string[] roles) => new()
    {
        ["tid"] = directory,
        ["oid"] = Guid.NewGuid().ToString(),
        ["name"] = name,
        ["preferred_username"] = name.Replace(' ', '.').ToLowerInvariant() + "@customer.example",
        ["roles"] = roles,
    };

    /// <summary>
    /// An access token for the portal's API: a person's claims with the portal as audience, signed by the provider, from
    /// the token endpoint of their <c>tid</c> (of <see cref="DemoDirectory"/> when the claims leave it out).
    /// </summary>
    public Task<string> AccessTokenAsync(Dictionary<string, object?> claims)
    {
        var withAudience = new Dictionary<string, object?>(claims) { ["aud"] = ClientId };
        return Provider.MintAsync(claims.GetValueOrDefault("tid") as string ?? DemoDirectory, withAudience);
    }

    /// <summary>An HTTP client that acts like a browser: keeps cookies, trusts only this run's certificate, follows nothing by itself.</summary>
    public HttpClient CreateBrowser() => CreateBrowser(new CookieContainer());

    /// <inheritdoc cref="CreateBrowser()"/>
    public HttpClient CreateBrowser(CookieContainer cookies) => new(_tls!.CreateHandler(cookies)) { BaseAddress = BaseAddress };

    /// <summary>
    /// Sends <paramref name="request"/> and goes where the answers lead, as a browser would: redirects, and the provider's
    /// auto-submitting form_post page. At the provider's authorize endpoint the user <paramref name="signInAs"/> signs in
    /// (the provider approves at once). Returns the last answer and every address visited.
    /// </summary>
    public async Task<Visit> FollowAsync(HttpClient browser, HttpRequestMessage request, Dictionary<string, object?>? signInAs = null)
    {
        var visited = new List<Uri>();
        for (var hop = 0; hop < 15; hop++)
        {
            request.RequestUri = new Uri(BaseAddress, request.RequestUri!);
            visited.Add(request.RequestUri);
            var response = await browser.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect)
            {
                var next = new Uri(request.RequestUri, response.Headers.Location!);
                if (next.AbsolutePath.EndsWith("/oauth2/v2.0/authorize", StringComparison.Ordinal))
                {
                    if (signInAs is null)
                    {
                        // Nobody to sign in: the browser would now show the provider's sign-in page.
                        visited.Add(next);
                        return new Visit(response, body, visited);
                    }

                    next = new Uri(next + "&test_claims=" + Uri.EscapeDataString(JsonSerializer.Serialize(signInAs)));
                }

                response.Dispose();
                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK && request.RequestUri.Port == Provider.Origin.Port && FormAction().Match(body) is { Success: true } action)
            {
                var fields = HiddenField().Matches(body).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
                response.Dispose();
                request = new HttpRequestMessage(HttpMethod.Post, new Uri(WebUtility.HtmlDecode(action.Groups[1].Value))) { Content = new FormUrlEncodedContent(fields) };
                continue;
            }

            return new Visit(response, body, visited);
        }

        throw new InvalidOperationException("More than 15 hops: " + string.Join(" -> ", visited));
    }

    public Task<Visit> GetAsync(HttpClient browser, string path, Dictionary<string, object?>? signInAs = null) =>
        FollowAsync(browser, new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)), signInAs);

    /// <summary>The end of a browse: the answer, its body, the addresses on the way.</summary>
    public sealed record Visit(HttpResponseMessage Response, string Body, IReadOnlyList<Uri> Visited)
    {
        public Uri Final => Visited[^1];
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    private sealed class Factory(ProductionSignInHost host) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Portal:DataDirectory", host._dataDirectory);
            builder.UseSetting("Portal:SeedDemoData", "true");
            builder.UseSetting("Portal:DemoSales", "300");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("AzureAd:Instance", host.Provider.Instance);
            builder.UseSetting("AzureAd:TenantId", "organizations");
            builder.UseSetting("AzureAd:ClientId", ClientId);
            builder.UseSetting("AzureAd:ClientSecret", "sign-in-tests-secret");
            builder.UseSetting("Tenancy:ClaimType", "tid");
            builder.UseSetting($"Tenancy:Map:{DemoDirectory}", "demo");
            builder.UseSetting($"Tenancy:Map:{OtherDirectory}", "other");
            builder.UseSetting("Sync:KnownTenants:0", "other");
            builder.ConfigureTestServices(services =>
            {
                // The portal's back channels (metadata, keys, code redemption, Microsoft.Identity.Web's issuer metadata)
                // trust the run's certificate.
                services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => host._tls!.CreateHandler()));
                services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = "entra-test-provider");
                services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = host._tls!.CreateHandler());
                services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = host._tls!.CreateHandler());
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ProductionSignInCollection : ICollectionFixture<ProductionSignInHost>
{
    public const string Name = "production-sign-in";
}
