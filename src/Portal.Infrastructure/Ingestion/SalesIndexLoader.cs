using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;

namespace Portal.Infrastructure.Ingestion;

/// <summary>Fills the in-memory index from the store at start; reports when it is done for the readiness check.</summary>
public sealed class SalesIndexLoader(ISalesStore store, ISalesIndex index, TimeProvider timeProvider)
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    public Task Loaded => _loaded.Task;

    public long SalesLoaded { get; private set; }

    /// <summary>When the load began: the change feed is followed from here, so nothing written during the load is missed.</summary>
    public DateTimeOffset LoadStartedAt { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        LoadStartedAt = timeProvider.GetUtcNow();
        try
        {
            foreach (var tenant in await store.GetTenantsAsync(cancellationToken))
            {
                await foreach (var sale in store.StreamSalesWithPhotosAsync(tenant, cancellationToken))
                {
                    index.Add(sale);
                    SalesLoaded++;
                }
            }

            _loaded.TrySetResult();
        }
        catch (Exception ex)
        {
            _loaded.TrySetException(ex);
            throw;
        }
    }
}
