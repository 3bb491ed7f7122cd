using System.Security.Claims;

namespace Portal.Web.Identity;

public static class PortalClaims
{
    /// <summary>The claim that carries the tenant id, set by the sign-in from the identity, never by the browser.</summary>
    public const string Tenant = "portal:tenant";

    public static bool TryGetTenant(this ClaimsPrincipal user, out TenantId tenant)
    {
        tenant = default;
        return user.Identity?.IsAuthenticated == true && TenantId.TryParse(user.FindFirstValue(Tenant), out tenant);
    }
}
