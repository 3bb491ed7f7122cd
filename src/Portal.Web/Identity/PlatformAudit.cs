namespace Portal.Web.Identity;

/// <summary>
/// The audit trail of cross-tenant reach, in the log beside the dead-letter store's own record of who redrove or discarded
/// what: every time a platform admin opens a view across tenants.
/// </summary>
public static partial class PlatformAudit
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Audit: platform admin {Actor} (tenant {Tenant}) viewed {View} across all tenants")]
    public static partial void CrossTenantView(ILogger logger, string actor, string? tenant, string view);
}
