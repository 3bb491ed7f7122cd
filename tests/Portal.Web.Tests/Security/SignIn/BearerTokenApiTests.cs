using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portal.Infrastructure.Demo;
using Portal.Web.Tests.Api;
using static Portal.Web.Tests.Security.SignIn.ProductionSignInHost;

namespace Portal.Web.Tests.Security.SignIn;

/// <summary>
/// The API with bearer tokens signed by the loopback provider, validated by the portal against the provider's metadata and
/// keys over HTTPS: good tokens get in with their role and mapped tenant; every kind of bad token is 401, a good token of an
/// unmapped directory 403.
/// </summary>
[Collection(ProductionSignInCollection.Name)]
public sealed class BearerTokenApiTests(ProductionSignInHost host)
{
    [Fact]
    public async Task AnAnalystsTokenPricesARealPhoto()
    {
        using var api = Api(await host.AccessTokenAsync(Person(DemoDirectory, "Ada Analyst", "Analyst")));

        using var response = await api.PostAsync("api/pricing/calculate", ShoeForm());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("price").GetDecimal() > 0);
        Assert.NotEmpty(body.GetProperty("comparables").EnumerateArray());
    }

    [Fact]
    public async Task TheEventPublisherAppPostsEventsForACustomerTenant()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var token = await host.Provider.MintAsync(OperatorDirectory, new Dictionary<string, object?>
        {
            ["aud"] = ClientId,
            ["oid"] = Guid.NewGuid().ToString(),
            ["azp"] = Guid.NewGuid().ToString(),
            ["idtyp"] = "app",
            ["roles"] = new[] { "EventPublisher" },
        });
        using var api = Api(token);

        var posted = await EventTestSupport.PostAsync(api, EventTestSupport.Listed($"publisher-{run}").ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, posted.Status);
        Assert.Equal(1, posted.Body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task AnOpsUsersTenantComesFromTheirDirectoryThroughTheMapNotFromAClaimInTheToken()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var ops = Person(OtherDirectory, "Otto Ops", "Ops");
        ops["portal:tenant"] = "demo";
        using var api = Api(await host.AccessTokenAsync(ops));

        var own = await EventTestSupport.PostAsync(api, EventTestSupport.Listed($"own-{run}", tenant: "other").ToJsonString());
        var forged = await EventTestSupport.PostAsync(api, EventTestSupport.Listed($"forged-{run}", tenant: "demo").ToJsonString());

        Assert.Equal("accepted", own.Body.GetProperty("events")[0].GetProperty("status").GetString());
        var refused = forged.Body.GetProperty("events")[0];
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        Assert.Contains("may only publish events for tenant 'other'", refused.GetProperty("reasons")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoodTokenFromAnUnmappedDirectoryIsAuthenticatedButForbidden()
    {
        using var api = Api(await host.AccessTokenAsync(Person(UnmappedDirectory, "Una Unmapped", "Analyst", "Ops")));

        using var pricing = await api.PostAsync("api/pricing/calculate", ShoeForm());
        var events = await EventTestSupport.PostAsync(api, EventTestSupport.Listed("unmapped").ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, pricing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, events.Status);
    }

    [Fact]
    public async Task AGoodTokenWithoutATidIsForbiddenNotGivenATenantFromItsIssuer()
    {
        // The issuer validator falls back to the issuer's tenant segment, so the token is valid; the tenancy map reads tid only.
        var analyst = Person(DemoDirectory, "Tina Notid", "Analyst");
        analyst["tid"] = null;
        using var api = Api(await host.AccessTokenAsync(analyst));

        using var pricing = await api.PostAsync("api/pricing/calculate", ShoeForm());

        Assert.Equal(HttpStatusCode.Forbidden, pricing.StatusCode);
    }

    public static TheoryData<string> BadTokens() =>
    [
        "no token", "wrong audience", "issuer of another host", "issuer of another directory than its tid", "expired",
        "not yet valid", "unsigned (alg none)", "signed by another key under the provider's key id", "signature tampered",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ABadTokenIs401(string kind)
    {
        var token = await BadTokenAsync(kind);
        using var api = Api(token);

        using var response = await api.PostAsync("api/pricing/calculate", ShoeForm());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<string?> BadTokenAsync(string kind)
    {
        var analyst = Person(DemoDirectory, "Mallory", "Analyst");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (kind)
        {
            case "no token":
                return null;
            case "wrong audience":
                return await host.Provider.MintAsync(DemoDirectory, new Dictionary<string, object?>(analyst) { ["aud"] = "api://another-application" });
            case "issuer of another host":
                return await host.AccessTokenAsync(new Dictionary<string, object?>(analyst) { ["iss"] = $"https://login.microsoftonline.com/{DemoDirectory}/v2.0" });
            case "issuer of another directory than its tid":
                return await host.AccessTokenAsync(new Dictionary<string, object?>(analyst) { ["iss"] = host.Provider.IssuerOf(OtherDirectory) });
            case "expired":
                // Well past the default five minutes of clock skew.
                return await host.AccessTokenAsync(new Dictionary<string, object?>(analyst) { ["iat"] = now - 7200, ["nbf"] = now - 7200, ["exp"] = now - 3600 });
            case "not yet valid":
                return await host.AccessTokenAsync(new Dictionary<string, object?>(analyst) { ["iat"] = now, ["nbf"] = now + 3600, ["exp"] = now + 7200 });
            case "unsigned (alg none)":
            {
                var good = await host.AccessTokenAsync(analyst);
                return Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + good.Split('.')[1] + ".";
            }

            case "signed by another key under the provider's key id":
            {
                var keyId = (await host.Provider.KeysAsync())[0].GetProperty("kid").GetString();
                using var rsa = RSA.Create(2048);
                var claims = new Dictionary<string, object>
                {
                    ["iss"] = host.Provider.IssuerOf(DemoDirectory), ["aud"] = ClientId, ["tid"] = DemoDirectory, ["oid"] = analyst["oid"]!,
                    ["roles"] = new[] { "Analyst" }, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600, ["ver"] = "2.0",
                };
                return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Claims = claims,
                    SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
                });
            }

            case "signature tampered":
            {
                // The provider's own signature over another payload: the roles changed after signing.
                var good = await host.AccessTokenAsync(analyst);
                var parts = good.Split('.');
                var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"Analyst\"", "\"Admin\"", StringComparison.Ordinal);
                return parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private HttpClient Api(string? token)
    {
        var client = host.CreateBrowser();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static MultipartFormDataContent ShoeForm()
    {
        var photo = new ByteArrayContent(DemoSamples.ShoePhoto.ToArray());
        photo.Headers.ContentType = new MediaTypeHeaderValue(DemoSamples.ShoeContentType);
        return new MultipartFormDataContent
        {
            { photo, "images", DemoSamples.ShoeFile },
            { new StringContent("shoes"), "category" },
            { new StringContent("very_good"), "condition" },
        };
    }
}
