
namespace Portal.Core.Sales;

/// <summary>
/// The operational sales store (DynamoDB <c>sales-intelligence</c> in production, SQLite embedded).
/// Logical keys follow the seed: tenant/product/sale, tenant/category/season, embedding-active by date, tenant/brand by date.
/// </summary>
public interface ISalesStore
{
    /// <summary>
    /// How long after it sold a sale stays readable (its TTL); every read leaves out sales sold longer ago, so a writer can
    /// tell which sales would be invisible the moment they were written.
    /// </summary>
    TimeSpan RetentionPeriod { get; }

    /// <summary>Adds a sale and its embedding; returns false (and changes nothing) when the tenant already has that sale id.</summary>
    Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken);

    /// <summary>Adds many sales in one transaction; returns how many were new.</summary>
    Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken);

    Task<bool> ContainsSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SaleRecord>> QuerySalesAsync(SalesQuery query, CancellationToken cancellationToken);

    /// <summary>Every live sale of a tenant, oldest first, with its embedding when it has one (loads the in-memory index).</summary>
    IAsyncEnumerable<(SaleRecord Sale, StoredEmbedding? Embedding)> StreamSalesAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="StreamSalesAsync"/>, with each sale's further photos' embeddings, in their order. The default serves
    /// stores that keep one photo per sale.
    /// </summary>
    async IAsyncEnumerable<SaleWithPhotos> StreamSalesWithPhotosAsync(
        TenantId tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (sale, embedding) in StreamSalesAsync(tenant, cancellationToken))
        {
            yield return new SaleWithPhotos(sale, embedding);
        }
    }

    /// <summary>
    /// Splits every tenant's live sales into at most <paramref name="segments"/> disjoint parts for a parallel index load (see
    /// <see cref="StreamLoadSegmentAsync"/>). Plan once per load: the parts of one plan never overlap and miss nothing that was
    /// live when it was made. The default serves stores that cannot split: one part, read tenant by tenant.
    /// </summary>
    Task<SalesLoadPlan> PlanLoadAsync(int segments, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        return Task.FromResult(new SalesLoadPlan([new SalesLoadSegment(0, 1)], null));
    }

    /// <summary>
    /// Every live sale of one part of a <see cref="PlanLoadAsync"/> plan, with its photos, in no promised order. A sale written
    /// after the plan was made may or may not be in it (the change feed brings it either way).
    /// </summary>
    async IAsyncEnumerable<SaleWithPhotos> StreamLoadSegmentAsync(
        SalesLoadSegment segment, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        foreach (var tenant in await GetTenantsAsync(cancellationToken))
        {
            await foreach (var sale in StreamSalesWithPhotosAsync(tenant, cancellationToken))
            {
                yield return sale;
            }
        }
    }

    Task<IReadOnlyList<TenantId>> GetTenantsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetCategoriesAsync(TenantId tenant, CancellationToken cancellationToken);

    Task<long> CountSalesAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>How many sales match the query's filters (its limit, offset and sort are ignored): the total for paging.</summary>
    Task<long> CountSalesAsync(SalesQuery query, CancellationToken cancellationToken);

    /// <summary>One live sale of the tenant, or null when the id is unknown <em>or belongs to another tenant</em>.</summary>
    Task<SaleRecord?> GetSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a live sale's embedding (re-embedding with another model); false when the sale is unknown, expired or another
    /// tenant's. The sale itself is unchanged.
    /// </summary>
    Task<bool> ReplaceEmbeddingAsync(TenantId tenant, string saleId, StoredEmbedding embedding, CancellationToken cancellationToken);
}

/// <summary>A filtered page of a tenant's sales; every filter is optional except the tenant.</summary>
public sealed record SalesQuery
{
    public required TenantId Tenant { get; init; }
    public string? Category { get; init; }
    public string? Brand { get; init; }
    public string? ProductId { get; init; }
    public DateTimeOffset? SoldFrom { get; init; }
    public DateTimeOffset? SoldTo { get; init; }
    public ItemCondition? Condition { get; init; }
    /// <summary>Inclusive lower bound on the sold price.</summary>
    public decimal? MinPrice { get; init; }
    /// <summary>Inclusive upper bound on the sold price.</summary>
    public decimal? MaxPrice { get; init; }
    public SalesSort SortBy { get; init; } = SalesSort.SoldAt;
    public bool Descending { get; init; } = true;
    public int Limit { get; init; } = 1000;
    public int Offset { get; init; }
}

/// <summary>The columns a sales query may sort by (a closed list: never a column name from input).</summary>
public enum SalesSort
{
    SoldAt,
    Price,
    Brand,
    Category,
}
