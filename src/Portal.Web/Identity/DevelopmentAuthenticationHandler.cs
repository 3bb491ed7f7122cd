using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Portal.Web.Identity;

/// <summary>
/// Development only: every request is signed in as a configured user — the one named by the <see cref="CookieName"/>
/// cookie (set on <c>/account/dev-login</c>) or else the first one, so a plain <c>curl</c> works locally.
/// </summary>
public sealed class DevelopmentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DevelopmentIdentityOptions> identity)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Development";
    public const string CookieName = "portal.dev-user";
    public const string DevelopmentClaim = "portal:development";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = identity.Value.Resolve(Request.Cookies[CookieName]);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.UserName),
            new("name", string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName : user.DisplayName),
            new(PortalClaims.Tenant, user.Tenant),
            new(DevelopmentClaim, "true"),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>Pages show the access-denied page (like the production cookie handler); the API answers 403.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (PortalAuthentication.IsApiRequest(Request))
        {
            return base.HandleForbiddenAsync(properties);
        }

        Response.Redirect(PortalAuthentication.AccessDeniedPath);
        return Task.CompletedTask;
    }
}
