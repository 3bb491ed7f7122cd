using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Security;

/// <summary>
/// Least privilege over every endpoint the host maps: each names its policy (or says it is anonymous), the policy is the one
/// this table expects, and a request per endpoint and role gets in exactly when the policy lets that role in.
/// </summary>
public sealed class EndpointAuthorizationTests : IAsyncLifetime
{
    private const string Anonymous = "(anonymous)";
    private const string Tenant = "demo";

    /// <summary>Who walks: a header identity per app role (people have the tenant, the publisher app has none).</summary>
    public static readonly IReadOnlyList<Persona> Personas =
    [
        new("anonymous", null, null),
        new("tenant, no role", "none", Tenant),
        new(PortalRoles.Analyst, PortalRoles.Analyst, Tenant),
        new(PortalRoles.Manager, PortalRoles.Manager, Tenant),
        new(PortalRoles.Ops, PortalRoles.Ops, Tenant),
        new(PortalRoles.Admin, PortalRoles.Admin, Tenant),
        new(PortalRoles.EventPublisher, PortalRoles.EventPublisher, null),
    ];

    /// <summary>Which personas each policy lets in.</summary>
    private static readonly Dictionary<string, string[]> AllowedByPolicy = new(StringComparer.Ordinal)
    {
        [Anonymous] = [.. Personas.Select(p => p.Name)],
        [PortalPolicies.TenantUser] = ["tenant, no role", PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Ops, PortalRoles.Admin],
        [PortalPolicies.Pricing] = [PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Admin],
        [PortalPolicies.Sales] = [PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Ops, PortalRoles.Admin],
        [PortalPolicies.Images] = [PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Ops, PortalRoles.Admin],
        [PortalPolicies.Trends] = [PortalRoles.Manager, PortalRoles.Admin],
        [PortalPolicies.Operations] = [PortalRoles.Ops, PortalRoles.Admin],
        [PortalPolicies.EventPublisher] = [PortalRoles.EventPublisher, PortalRoles.Ops, PortalRoles.Admin],
    };

    /// <summary>The expected policy of every application endpoint, by method and route pattern. A new endpoint fails until listed.</summary>
    private static readonly Dictionary<string, string> ExpectedPolicy = new(StringComparer.Ordinal)
    {
        ["POST /api/pricing/calculate"] = PortalPolicies.Pricing,
        ["POST /api/pricing/batches"] = PortalPolicies.Pricing,
        ["GET /api/pricing/batches"] = PortalPolicies.Pricing,
        ["GET /api/pricing/batches/{id}"] = PortalPolicies.Pricing,
        ["GET /api/pricing/batches/{id}/results"] = PortalPolicies.Pricing,
        ["POST /api/pricing/batches/{id}/accept-strong"] = PortalPolicies.Pricing,
        ["POST /api/events"] = PortalPolicies.EventPublisher,
        ["GET /api/trends/monthly"] = PortalPolicies.Trends,
        ["GET /images/{**key}"] = PortalPolicies.Images,
        ["GET /"] = PortalPolicies.TenantUser,
        ["GET /price"] = PortalPolicies.Pricing,
        ["GET /price/print/{DecisionId}"] = PortalPolicies.Pricing,
        ["GET /history"] = PortalPolicies.Pricing,
        ["GET /history/{DecisionId}"] = PortalPolicies.Pricing,
        ["GET /batches"] = PortalPolicies.Pricing,
        ["GET /batches/{BatchId}"] = PortalPolicies.Pricing,
        ["GET /sales"] = PortalPolicies.Sales,
        ["GET /sales/{SaleId}"] = PortalPolicies.Sales,
        ["GET /trends"] = PortalPolicies.Trends,
        ["GET /ops/sync"] = PortalPolicies.Operations,
        ["GET /ops/dead-letters"] = PortalPolicies.Operations,
        ["GET /ops/validation"] = PortalPolicies.Operations,
        ["GET /ops/validation/{RunId:guid}"] = PortalPolicies.Operations,
        ["GET /ops/jobs"] = PortalPolicies.Operations,
        ["GET /account/login"] = Anonymous,
        ["POST /account/logout"] = Anonymous,
        ["GET /account/dev-login/switch"] = Anonymous,
        ["GET /account/dev-login"] = Anonymous,
        ["GET /account/access-denied"] = Anonymous,
        ["GET /account/no-tenant"] = Anonymous,
        ["GET /not-found"] = Anonymous,
        ["GET /error"] = Anonymous,
        ["GET /health/live"] = Anonymous,
        ["GET /health/ready"] = Anonymous,
        ["GET /openapi/{documentName}.json"] = Anonymous,
    };

    private ConfiguredPortalFactory _portal = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public sealed record Persona(string Name, string? Roles, string? Tenant);

    public Task InitializeAsync()
    {
        _portal = new ConfiguredPortalFactory("Development", new Dictionary<string, string?>());
        _factory = _portal.WithWebHostBuilder(builder => builder.ConfigureTestServices(HeaderIdentityHandler.Register));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public void EveryEndpointNamesItsPolicyOrSaysItIsAnonymous()
    {
        var problems = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !IsDevelopmentFileFallback(e)))
        {
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (anonymous && policies.Count > 0)
            {
                problems.Add($"{Describe(endpoint)}: both anonymous and a policy ({string.Join(", ", policies)})");
            }
            else if (!anonymous && (policies.Count == 0 || policies.Any(string.IsNullOrEmpty)))
            {
                problems.Add($"{Describe(endpoint)} ({endpoint.DisplayName}; {string.Join(", ", endpoint.Metadata.Select(m => m.GetType().Name).Distinct())}): no explicit policy (default or none)");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryApplicationEndpointHasTheExpectedPolicy()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !IsFramework(e) && !IsDevelopmentFileFallback(e)))
        {
            var key = Describe(endpoint);
            seen.Add(key);
            if (!ExpectedPolicy.TryGetValue(key, out var expected))
            {
                problems.Add($"{key}: not in the expected table (add it with its policy)");
                continue;
            }

            var actual = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                ? Anonymous
                : string.Join(",", endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "(default)"));
            if (actual != expected)
            {
                problems.Add($"{key}: policy {actual}, expected {expected}");
            }
        }

        problems.AddRange(ExpectedPolicy.Keys.Where(k => !seen.Contains(k)).Select(k => $"{k}: expected but not mapped"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task EveryEndpointAndRoleGetsInExactlyWhenItsPolicyAllows()
    {
        var problems = new List<string>();
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var endpoint in Endpoints().Where(e => !IsStaticAsset(e)).Append(Endpoints().First(IsStaticAsset)))
        {
            var key = Describe(endpoint);
            var policy = ExpectedPolicy.GetValueOrDefault(key) ?? Anonymous;
            foreach (var persona in Personas)
            {
                using var request = Request(endpoint, persona);
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                var denied = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                var allowed = AllowedByPolicy[policy].Contains(persona.Name);
                if (status >= 500 || denied == allowed)
                {
                    problems.Add($"{key} as {persona.Name}: {status}, expected {(allowed ? "allowed" : "denied")} ({policy})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private IEnumerable<RouteEndpoint> Endpoints() =>
        _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    /// <summary>
    /// The static-asset fallback ASP.NET Core adds in Development only (serves files edited after the build); no convention
    /// reaches it. It serves the same public files, and the walk still requests it.
    /// </summary>
    private static bool IsDevelopmentFileFallback(RouteEndpoint endpoint) =>
        endpoint.DisplayName == "Fallback {**path:file}" && endpoint.RoutePattern.RawText == "{**path:file}";

    private static bool IsStaticAsset(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null;

    /// <summary>Static files and the Blazor Server plumbing (hub, negotiate, script): checked for explicitness, walked as anonymous.</summary>
    private static bool IsFramework(RouteEndpoint endpoint) =>
        IsStaticAsset(endpoint) || endpoint.RoutePattern.RawText?.StartsWith("/_", StringComparison.Ordinal) == true
        || endpoint.RoutePattern.RawText?.StartsWith("_", StringComparison.Ordinal) == true;

    private static string Method(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";

    private static string Describe(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern.RawText ?? string.Empty;
        return $"{Method(endpoint)} {(pattern.StartsWith('/') ? pattern : "/" + pattern)}";
    }

    private static HttpRequestMessage Request(RouteEndpoint endpoint, Persona persona)
    {
        var path = Describe(endpoint)[(Method(endpoint).Length + 1)..]
            .Replace("{**key}", "demo/no/such.jpg", StringComparison.Ordinal)
            .Replace("{SaleId}", "no-such-sale", StringComparison.Ordinal)
            .Replace("{DecisionId}", "no-such-decision", StringComparison.Ordinal)
            .Replace("{BatchId}", "no-such-batch", StringComparison.Ordinal)
            .Replace("{id}", "no-such-batch", StringComparison.Ordinal)
            .Replace("{RunId:guid}", Guid.Empty.ToString(), StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(Method(endpoint)), path);
        // Bodies every handler refuses before doing anything, so the walk never writes (no events, no dead letters): a
        // pricing form without photos, an event body announced larger than the limit, a plain text elsewhere.
        request.Content = path switch
        {
            "/api/pricing/calculate" => new MultipartFormDataContent { { new StringContent("shoes"), "category" } },
            "/api/pricing/batches" => new MultipartFormDataContent { { new StringContent("shoes"), "category" } },
            "/api/events" => new ByteArrayContent(new byte[Portal.Core.Sync.ProductEventLimits.MaxBatchBytes + 1]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            _ when request.Method == HttpMethod.Post => new StringContent("walk", System.Text.Encoding.UTF8, "text/plain"),
            _ => null,
        };

        if (persona.Roles is not null)
        {
            request.Headers.Add(HeaderIdentityHandler.RolesHeader, persona.Roles);
            if (persona.Tenant is not null)
            {
                request.Headers.Add(HeaderIdentityHandler.TenantHeader, persona.Tenant);
            }
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return request;
    }
}
