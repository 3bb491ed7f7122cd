using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Portal.Web.Identity;

/// <summary>
/// Production: turns the configured identity claim (<see cref="TenancyOptions.ClaimType"/>) into the
/// <see cref="PortalClaims.Tenant"/> claim through <see cref="TenancyOptions.Map"/>. A tenant claim arriving in the token
/// itself is dropped: only the mapping decides. No mapping, no tenant claim (pages show /account/no-tenant, the API 403).
/// </summary>
public sealed class TenantClaimsTransformation(IOptionsMonitor<TenancyOptions> options) : IClaimsTransformation
{
    internal const string IdentityType = "portal-tenancy";
    private const string LongTenantIdClaim = "http://schemas.microsoft.com/identity/claims/tenantid";

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.Identities.Any(i => i.AuthenticationType == IdentityType))
        {
            return Task.FromResult(principal);
        }

        var settings = options.CurrentValue;
        var value = principal.FindFirstValue(settings.ClaimType)
            ?? (settings.ClaimType == "tid" ? principal.FindFirstValue(LongTenantIdClaim) : null);

        var identities = principal.Identities.Select(identity =>
        {
            var copy = identity.Clone();
            foreach (var forged in copy.FindAll(PortalClaims.Tenant).ToList())
            {
                copy.RemoveClaim(forged);
            }

            return copy;
        }).ToList();

        var tenancy = new ClaimsIdentity(IdentityType);
        if (value is not null && settings.Map.TryGetValue(value, out var mapped) && TenantId.TryParse(mapped, out var tenant))
        {
            tenancy.AddClaim(new Claim(PortalClaims.Tenant, tenant.Value));
        }

        identities.Add(tenancy);
        return Task.FromResult(new ClaimsPrincipal(identities));
    }
}
