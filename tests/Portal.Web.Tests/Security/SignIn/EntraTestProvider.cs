using System.Net.Http.Json;
using System.Text.Json;
using Portal.Testing.Aws;

namespace Portal.Web.Tests.Security.SignIn;

/// <summary>
/// The loopback OpenID Connect provider shaped like Entra ID (<c>tests/tools/entra-test-provider.mjs</c>): metadata per tenant,
/// issuer <c>{origin}/{tid}/v2.0</c>, RS256 tokens from its own key. <see cref="MintAsync"/> asks its token endpoint for a
/// signed token carrying the given claims (client credentials), as an application or a user would get one from Entra.
/// </summary>
public sealed class EntraTestProvider : IAsyncDisposable
{
    private readonly NodeTestServer _server;
    private readonly HttpClient _http;

    private EntraTestProvider(NodeTestServer server, LoopbackTls tls)
    {
        _server = server;
        _http = new HttpClient(tls.CreateHandler()) { BaseAddress = new Uri(server.ServiceUrl + "/") };
    }

    /// <summary><c>https://127.0.0.1:PORT/</c>: the portal's <c>AzureAd:Instance</c>.</summary>
    public string Instance => _server.ServiceUrl + "/";

    public Uri Origin => _http.BaseAddress!;

    /// <summary>Starts the provider over HTTPS with the run's loopback certificate.</summary>
    public static async Task<EntraTestProvider> StartAsync(LoopbackTls tls) =>
        new(await NodeTestServer.StartEntraTestProviderAsync(tls.CertificatePemFile, tls.KeyPemFile), tls);

    /// <summary>The issuer Entra writes into a token of tenant <paramref name="tid"/>.</summary>
    public string IssuerOf(string tid) => $"{_server.ServiceUrl}/{tid}/v2.0";

    /// <summary>
    /// A token signed by the provider, from tenant <paramref name="tid"/>'s token endpoint: <c>tid</c> and <c>iss</c> are that
    /// tenant's unless <paramref name="claims"/> says otherwise; a claim given as null is left out.
    /// </summary>
    public async Task<string> MintAsync(string tid, IReadOnlyDictionary<string, object?> claims)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "portal-sign-in-tests",
            ["test_claims"] = JsonSerializer.Serialize(claims),
        });
        using var response = await _http.PostAsync($"{tid}/oauth2/v2.0/token", content);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>The provider's signing keys (JWKS), as the portal fetches them.</summary>
    public async Task<JsonElement> KeysAsync()
    {
        var body = await _http.GetFromJsonAsync<JsonElement>("organizations/discovery/v2.0/keys");
        return body.GetProperty("keys");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }
}
