namespace Portal.Web.Identity;

/// <summary>App roles (Entra ID app roles in production, configured in Development).</summary>
public static class PortalRoles
{
    public const string Analyst = "Analyst";
    public const string Manager = "Manager";
    public const string Ops = "Ops";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Analyst, Manager, Ops, Admin];
}

/// <summary>Authorization policies; pages use these names, never role strings.</summary>
public static class PortalPolicies
{
    /// <summary>Any signed-in user, with or without a tenant (the shell; the default policy also requires a tenant).</summary>
    public const string SignedIn = "SignedIn";

    /// <summary>Price, History: Analyst, Manager, Admin.</summary>
    public const string Pricing = "Pricing";

    /// <summary>Sales explorer: Analyst, Manager, Ops, Admin.</summary>
    public const string Sales = "Sales";

    /// <summary>Trend dashboards: Manager, Admin.</summary>
    public const string Trends = "Trends";

    /// <summary>Sync and validation pages: Ops, Admin.</summary>
    public const string Operations = "Operations";
}
