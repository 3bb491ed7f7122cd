using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Portal.Web.Identity;

/// <summary>
/// Section <c>DevelopmentIdentity</c>: the users the development sign-in offers. The first one is who every request is
/// until another is picked on <c>/account/dev-login</c>. Only honoured in the Development environment.
/// </summary>
public sealed partial class DevelopmentIdentityOptions
{
    public const string SectionName = "DevelopmentIdentity";

    public List<DevelopmentUser> Users { get; set; } = [];

    /// <summary>The user with that name, or the first (default) one.</summary>
    public DevelopmentUser Resolve(string? userName) =>
        Users.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase)) ?? Users[0];

    internal IEnumerable<string> Problems()
    {
        if (Users.Count == 0)
        {
            yield return "DevelopmentIdentity:Users must list at least one user.";
        }

        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            if (string.IsNullOrWhiteSpace(user.UserName))
            {
                yield return $"DevelopmentIdentity:Users:{i}:UserName is required.";
            }

            if (!TenantPattern().IsMatch(user.Tenant ?? string.Empty))
            {
                yield return $"DevelopmentIdentity:Users:{i}:Tenant '{user.Tenant}' is not a tenant id.";
            }

            foreach (var role in user.Roles.Where(r => !PortalRoles.All.Contains(r, StringComparer.Ordinal)))
            {
                yield return $"DevelopmentIdentity:Users:{i}:Roles has unknown role '{role}' (known: {string.Join(", ", PortalRoles.All)}).";
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex TenantPattern();
}

/// <summary>One selectable development user.</summary>
public sealed class DevelopmentUser
{
    [Required]
    public string UserName { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    [Required]
    public string Tenant { get; set; } = "demo";

    public List<string> Roles { get; set; } = [];
}
