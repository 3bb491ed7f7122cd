namespace Portal.Web.Identity;

/// <summary>App roles (Entra ID app roles in production, configured in Development).</summary>
public static class PortalRoles
{
    public const string Analyst = "Analyst";
    public const string Manager = "Manager";
    public const string Ops = "Ops";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Analyst, Manager, Ops, Admin];

    /// <summary>An application (not a person) that publishes marketplace events for any known tenant: the Entra ID app role of the publisher's token.</summary>
    public const string EventPublisher = "EventPublisher";

    /// <summary>
    /// The operator of the platform: reach across tenants (every tenant's dead letters and sync figures, letters of no tenant).
    /// Never taken from a token or a development user (a customer's directory could assign an app role of that name): only
    /// granted by configuration (<see cref="PlatformAdminOptions"/>), on top of the person's own roles.
    /// </summary>
    public const string PlatformAdmin = "PlatformAdmin";
}

/// <summary>Authorization policies; pages use these names, never role strings.</summary>
public static class PortalPolicies
{
    /// <summary>Any signed-in user, with or without a tenant (the shell; the default policy also requires a tenant).</summary>
    public const string SignedIn = "SignedIn";

    /// <summary>Signed in with a tenant, whatever the role (the overview page); the same as the default policy, named.</summary>
    public const string TenantUser = "TenantUser";

    /// <summary>Stored product photos of the tenant: every role whose pages show photos (Analyst, Manager, Ops, Admin).</summary>
    public const string Images = "Images";

    /// <summary>Price, History: Analyst, Manager, Admin.</summary>
    public const string Pricing = "Pricing";

    /// <summary>Sales explorer: Analyst, Manager, Ops, Admin.</summary>
    public const string Sales = "Sales";

    /// <summary>Trend dashboards: Manager, Admin.</summary>
    public const string Trends = "Trends";

    /// <summary>Sync and validation pages: Ops, Admin.</summary>
    public const string Operations = "Operations";

    /// <summary><c>POST /api/events</c>: the EventPublisher app role (any tenant), or Ops/Admin users (their own tenant only).</summary>
    public const string EventPublisher = "EventPublisher";
}
