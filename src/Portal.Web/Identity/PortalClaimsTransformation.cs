using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Portal.Web.Identity;

/// <summary>
/// The one claims transformation of the portal: the tenant mapping first (Entra ID only), then the platform grant. A
/// <see cref="PortalRoles.PlatformAdmin"/> role arriving with the identity is dropped (in a multi-tenant app registration a
/// customer's directory can assign any app role); the role is added only for a user listed in <see cref="PlatformAdminOptions"/>.
/// </summary>
public sealed class PortalClaimsTransformation(IOptionsMonitor<PlatformAdminOptions> platform, TenantClaimsTransformation? tenancy = null) : IClaimsTransformation
{
    internal const string PlatformIdentityType = "portal-platform";
    private const string ObjectIdClaim = "oid";
    private const string LongObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (tenancy is not null)
        {
            principal = await tenancy.TransformAsync(principal);
        }

        if (principal.Identity?.IsAuthenticated != true || principal.Identities.Any(i => i.AuthenticationType == PlatformIdentityType))
        {
            return principal;
        }

        var identities = principal.Identities.Select(identity =>
        {
            var copy = identity.Clone();
            foreach (var forged in copy.Claims.Where(c => c.Value == PortalRoles.PlatformAdmin
                         && (c.Type == copy.RoleClaimType || c.Type == ClaimTypes.Role || c.Type == "roles")).ToList())
            {
                copy.RemoveClaim(forged);
            }

            return copy;
        }).ToList();

        var platformIdentity = new ClaimsIdentity(PlatformIdentityType, ClaimTypes.Name, ClaimTypes.Role);
        var settings = platform.CurrentValue;
        if (settings.Grants(principal.FindFirstValue(ObjectIdClaim) ?? principal.FindFirstValue(LongObjectIdClaim)) || settings.Grants(principal.Identity.Name))
        {
            platformIdentity.AddClaim(new Claim(ClaimTypes.Role, PortalRoles.PlatformAdmin));
        }

        identities.Add(platformIdentity);
        return new ClaimsPrincipal(identities);
    }
}
