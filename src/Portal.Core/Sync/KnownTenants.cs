using Microsoft.Extensions.Options;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Sync;

/// <summary>
/// The tenants events may be published for: <c>Sync:KnownTenants</c>, the tenants the host adds as implicitly known (the demo
/// tenant, <see cref="SyncOptions.AddImplicitTenant"/>), and every tenant with sales (cached).
/// </summary>
public sealed class KnownTenants(IOptions<SyncOptions> options, ISalesStore store, TimeProvider timeProvider)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile HashSet<string> _fromStore = new(StringComparer.Ordinal);
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;

    public async ValueTask<bool> IsKnownAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        if (IsConfigured(tenant) || _fromStore.Contains(tenant.Value))
        {
            return true;
        }

        if (timeProvider.GetUtcNow() - _refreshedAt < options.Value.KnownTenantsCacheDuration)
        {
            return false;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (timeProvider.GetUtcNow() - _refreshedAt >= options.Value.KnownTenantsCacheDuration)
            {
                var tenants = await store.GetTenantsAsync(cancellationToken);
                _fromStore = new HashSet<string>(tenants.Select(t => t.Value).Concat(_fromStore), StringComparer.Ordinal);
                _refreshedAt = timeProvider.GetUtcNow();
            }
        }
        finally
        {
            _refresh.Release();
        }

        return _fromStore.Contains(tenant.Value);
    }

    private bool IsConfigured(TenantId tenant) => options.Value.IsConfiguredTenant(tenant.Value);
}
