using System.Runtime.CompilerServices;
using Portal.Core.Sales;

namespace Portal.Web.Tests.Fakes;

/// <summary>
/// A real store whose index load stops after the first <paramref name="passFirst"/> sales until <see cref="Open"/>: a host
/// caught mid-load, for as long as a test needs, with no timing involved. Everything else goes straight to the store.
/// </summary>
public sealed class GatedLoadSalesStore(ISalesStore inner, int passFirst) : ISalesStore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _passed;

    /// <summary>Completes when the load has taken its first sales and waits at the gate.</summary>
    public Task Reached => _reached.Task;

    public void Open() => _gate.TrySetResult();

    public TimeSpan RetentionPeriod => inner.RetentionPeriod;

    public Task<SalesLoadPlan> PlanLoadAsync(int segments, CancellationToken cancellationToken) => inner.PlanLoadAsync(segments, cancellationToken);

    public async IAsyncEnumerable<SaleWithPhotos> StreamLoadSegmentAsync(SalesLoadSegment segment, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sale in inner.StreamLoadSegmentAsync(segment, cancellationToken))
        {
            if (Interlocked.Increment(ref _passed) > passFirst)
            {
                _reached.TrySetResult();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            yield return sale;
        }
    }

    public Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken) => inner.AddSaleAsync(sale, embedding, cancellationToken);

    public Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken) => inner.AddSalesAsync(sales, cancellationToken);

    public Task<bool> ContainsSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken) => inner.ContainsSaleAsync(tenant, saleId, cancellationToken);

    public Task<IReadOnlyList<SaleRecord>> QuerySalesAsync(SalesQuery query, CancellationToken cancellationToken) => inner.QuerySalesAsync(query, cancellationToken);

    public IAsyncEnumerable<(SaleRecord Sale, StoredEmbedding? Embedding)> StreamSalesAsync(TenantId tenant, CancellationToken cancellationToken) => inner.StreamSalesAsync(tenant, cancellationToken);

    public IAsyncEnumerable<SaleWithPhotos> StreamSalesWithPhotosAsync(TenantId tenant, CancellationToken cancellationToken) => inner.StreamSalesWithPhotosAsync(tenant, cancellationToken);

    public Task<IReadOnlyList<TenantId>> GetTenantsAsync(CancellationToken cancellationToken) => inner.GetTenantsAsync(cancellationToken);

    public Task<IReadOnlyList<string>> GetCategoriesAsync(TenantId tenant, CancellationToken cancellationToken) => inner.GetCategoriesAsync(tenant, cancellationToken);

    public Task<long> CountSalesAsync(TenantId tenant, CancellationToken cancellationToken) => inner.CountSalesAsync(tenant, cancellationToken);

    public Task<long> CountSalesAsync(SalesQuery query, CancellationToken cancellationToken) => inner.CountSalesAsync(query, cancellationToken);

    public Task<SaleRecord?> GetSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken) => inner.GetSaleAsync(tenant, saleId, cancellationToken);

    public Task<bool> ReplaceEmbeddingAsync(TenantId tenant, string saleId, StoredEmbedding embedding, CancellationToken cancellationToken) =>
        inner.ReplaceEmbeddingAsync(tenant, saleId, embedding, cancellationToken);
}
