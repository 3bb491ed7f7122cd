using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Sync.Redrive;

/// <summary>
/// Who acts on dead letters, taken from the signed-in identity by the caller (never from the request): a platform admin (granted
/// by the operator's configuration, not a customer's Admin) sees and acts on every tenant's letters and those of no tenant;
/// anyone else only on their own tenant's (none without a tenant).
/// </summary>
public sealed record DeadLetterActor(string Name, TenantId? Tenant, bool IsPlatformAdmin)
{
    /// <summary>The store query that limits what this actor may see or resolve.</summary>
    public DeadLetterQuery Scope(DeadLetterStatus? status = null, DeadLetterCategory? category = null, int limit = 100, int offset = 0) => new()
    {
        AllTenants = IsPlatformAdmin,
        Tenant = IsPlatformAdmin ? null : Tenant,
        Status = status,
        Category = category,
        Limit = limit,
        Offset = offset,
    };
}
