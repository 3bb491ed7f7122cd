using System.Security.Claims;
using Microsoft.Extensions.Options;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Security;

/// <summary>Cross-tenant reach comes from the operator's configuration only, never from the identity's own roles.</summary>
public sealed class PlatformAdminTests
{
    private const string GrantedObjectId = "11111111-2222-3333-4444-555555555555";

    private static PortalClaimsTransformation Transformation(params string[] users) =>
        new(new StaticMonitor(new PlatformAdminOptions { Users = [.. users] }));

    private static ClaimsPrincipal Entra(string objectId, params string[] roles)
    {
        var claims = new List<Claim> { new("oid", objectId), new("name", "someone") };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "AuthenticationTypes.Federation", "name", "roles"));
    }

    [Fact]
    public async Task APlatformAdminRoleInTheTokenIsDropped()
    {
        var user = await Transformation(GrantedObjectId).TransformAsync(Entra("99999999-0000-0000-0000-000000000000", PortalRoles.Admin, PortalRoles.PlatformAdmin));

        Assert.False(user.IsInRole(PortalRoles.PlatformAdmin));
        Assert.True(user.IsInRole(PortalRoles.Admin));
    }

    [Fact]
    public async Task AConfiguredObjectIdIsGrantedThePlatformRole()
    {
        var user = await Transformation(GrantedObjectId).TransformAsync(Entra(GrantedObjectId, PortalRoles.Ops));

        Assert.True(user.IsInRole(PortalRoles.PlatformAdmin));
        Assert.True(user.IsInRole(PortalRoles.Ops));
    }

    [Fact]
    public async Task AConfiguredDevelopmentUserNameIsGrantedThePlatformRole()
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "platform@example.com"), new Claim(ClaimTypes.Role, PortalRoles.Admin)], "Development");

        var user = await Transformation("platform@example.com").TransformAsync(new ClaimsPrincipal(identity));

        Assert.True(user.IsInRole(PortalRoles.PlatformAdmin));
    }

    [Fact]
    public async Task TransformingTwiceGrantsOnce()
    {
        var transformation = Transformation(GrantedObjectId);

        var user = await transformation.TransformAsync(await transformation.TransformAsync(Entra(GrantedObjectId)));

        Assert.Single(user.Claims, c => c.Value == PortalRoles.PlatformAdmin);
    }

    [Theory]
    [InlineData("PlatformAdmin:Users:0", " ")]
    [InlineData("PlatformAdmin:Users:0", " padded@example.com")]
    public async Task ABadGrantStopsTheHostNamingIt(string key, string value)
    {
        await using var factory = new ConfiguredPortalFactory("Development", new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUserGrantedTwiceStopsTheHost()
    {
        await using var factory = new ConfiguredPortalFactory("Development", new Dictionary<string, string?>
        {
            ["PlatformAdmin:Users:0"] = "a@example.com",
            ["PlatformAdmin:Users:1"] = "A@example.com",
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("PlatformAdmin:Users:1 'A@example.com' is listed twice", error.ToString(), StringComparison.Ordinal);
    }

    private sealed class StaticMonitor(PlatformAdminOptions value) : IOptionsMonitor<PlatformAdminOptions>
    {
        public PlatformAdminOptions CurrentValue => value;

        public PlatformAdminOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<PlatformAdminOptions, string?> listener) => null;
    }
}
