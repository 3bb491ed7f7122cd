using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Identity;

/// <summary>Section <c>DevelopmentIdentity</c>: who the development sign-in acts as. Only honoured in Development.</summary>
public sealed class DevelopmentIdentityOptions
{
    public const string SectionName = "DevelopmentIdentity";

    [Required]
    public string UserName { get; set; } = "dev.analyst@example.com";

    [Required]
    public string DisplayName { get; set; } = "Dev Analyst";

    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,63}$")]
    public string Tenant { get; set; } = "demo";

    public string[] Roles { get; set; } = ["Admin"];
}
