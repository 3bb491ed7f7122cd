using System.Security.Claims;
using Microsoft.Extensions.Options;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Security;

public sealed class TenantClaimsTransformationTests
{
    private static TenantClaimsTransformation Transformation(string claimType = "tid") =>
        new(new StaticMonitor(new TenancyOptions
        {
            ClaimType = claimType,
            Map = new(StringComparer.OrdinalIgnoreCase) { ["entra-tenant-a"] = "demo", ["bad"] = "Not A Tenant!" },
        }));

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "oidc"));

    [Fact]
    public async Task MapsTheConfiguredClaimToThePortalTenant()
    {
        var user = await Transformation().TransformAsync(User(new Claim("tid", "entra-tenant-a")));

        Assert.True(user.TryGetTenant(out var tenant));
        Assert.Equal("demo", tenant.Value);
    }

    [Fact]
    public async Task UsesAnExtensionClaimWhenConfigured()
    {
        var user = await Transformation("extension_tenant").TransformAsync(User(new Claim("tid", "x"), new Claim("extension_tenant", "ENTRA-TENANT-A")));

        Assert.True(user.TryGetTenant(out var tenant));
        Assert.Equal("demo", tenant.Value);
    }

    [Fact]
    public async Task AnUnmappedOrInvalidValueGivesNoTenant()
    {
        Assert.False((await Transformation().TransformAsync(User(new Claim("tid", "someone-else")))).TryGetTenant(out _));
        Assert.False((await Transformation().TransformAsync(User(new Claim("tid", "bad")))).TryGetTenant(out _));
        Assert.False((await Transformation().TransformAsync(User())).TryGetTenant(out _));
    }

    [Fact]
    public async Task ATenantClaimInTheTokenItselfIsIgnored()
    {
        var forged = await Transformation().TransformAsync(User(new Claim(PortalClaims.Tenant, "demo"), new Claim("tid", "someone-else")));
        Assert.False(forged.TryGetTenant(out _));

        var mapped = await Transformation().TransformAsync(User(new Claim(PortalClaims.Tenant, "other"), new Claim("tid", "entra-tenant-a")));
        Assert.Equal(["demo"], mapped.FindAll(PortalClaims.Tenant).Select(c => c.Value));
    }

    [Fact]
    public async Task RunningTwiceAddsNothingAndAnonymousUsersAreLeftAlone()
    {
        var once = await Transformation().TransformAsync(User(new Claim("tid", "entra-tenant-a")));
        var twice = await Transformation().TransformAsync(once);
        Assert.Single(twice.FindAll(PortalClaims.Tenant));

        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        Assert.Same(anonymous, await Transformation().TransformAsync(anonymous));
    }

    private sealed class StaticMonitor(TenancyOptions value) : IOptionsMonitor<TenancyOptions>
    {
        public TenancyOptions CurrentValue => value;

        public TenancyOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<TenancyOptions, string?> listener) => null;
    }
}
