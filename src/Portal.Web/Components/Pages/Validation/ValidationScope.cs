using System.Globalization;
using System.Security.Claims;
using Portal.Core.Validation;
using Portal.Web.Identity;

namespace Portal.Web.Components.Pages.Validation;

/// <summary>
/// What the signed-in user may see of the validation reports, decided from the identity only: Admin every tenant (null scope),
/// Ops their own tenant. Anyone else sees nothing, even if a page were reached without its policy.
/// </summary>
public readonly record struct ValidationScope(TenantId? Tenant)
{
    public static bool TryResolve(ClaimsPrincipal user, out ValidationScope scope)
    {
        scope = default;
        if (!user.TryGetTenant(out var tenant))
        {
            return false;
        }

        if (user.IsInRole(PortalRoles.Admin))
        {
            scope = new ValidationScope(null);
            return true;
        }

        if (user.IsInRole(PortalRoles.Ops))
        {
            scope = new ValidationScope(tenant);
            return true;
        }

        return false;
    }

    public bool Covers(SalesPartition partition) => Tenant is null || Tenant.Value == partition.Tenant;
}

internal static class ValidationFormat
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "running",
        { TotalSeconds: < 60 } d => d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        var d => $"{(int)d.Value.TotalMinutes} min {d.Value.Seconds} s",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Partition(SalesPartition partition) => partition.ToString();
}
