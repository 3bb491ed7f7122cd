using Microsoft.Extensions.Options;

namespace Portal.Web.Identity;

/// <summary>
/// Section <c>PlatformAdmin</c>: who operates the platform across tenants (<see cref="PortalRoles.PlatformAdmin"/>). Entries
/// are Entra ID object ids (<c>oid</c>) or, with the development sign-in, user names. Empty: nobody has cross-tenant reach.
/// </summary>
public sealed class PlatformAdminOptions
{
    public const string SectionName = "PlatformAdmin";

    public List<string> Users { get; set; } = [];

    internal bool Grants(string? user) =>
        !string.IsNullOrWhiteSpace(user) && Users.Contains(user, StringComparer.OrdinalIgnoreCase);

    internal IEnumerable<string> Problems()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            if (string.IsNullOrWhiteSpace(user) || user.Trim() != user || user.Length > 256)
            {
                yield return $"{SectionName}:Users:{i} '{user}' is not a user object id or name (empty, padded or longer than 256).";
            }
            else if (!seen.Add(user))
            {
                yield return $"{SectionName}:Users:{i} '{user}' is listed twice.";
            }
        }
    }

    internal sealed class Validator : IValidateOptions<PlatformAdminOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlatformAdminOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
