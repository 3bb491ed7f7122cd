namespace Portal.Web.Identity;

/// <summary>
/// Section <c>Tenancy</c>: which claim of the production identity names the customer (<c>tid</c>,
/// <c>extension_tenant</c>…) and how its values map to portal tenant ids. An unmapped value means no tenant.
/// </summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";

    public string ClaimType { get; set; } = "tid";

    public Dictionary<string, string> Map { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
