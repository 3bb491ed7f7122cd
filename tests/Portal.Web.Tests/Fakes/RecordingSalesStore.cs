using Portal.Core.Sales;

namespace Portal.Web.Tests.Fakes;

/// <summary>A sales store over a list, recording every query (for component tests).</summary>
public sealed class RecordingSalesStore : ISalesStore
{
    public List<SaleRecord> Sales { get; } = [];

    public List<SalesQuery> Queries { get; } = [];

    public TimeSpan RetentionPeriod => SaleRetention.Default;

    public Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken)
    {
        Sales.Add(sale);
        return Task.FromResult(true);
    }

    public Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken)
    {
        Sales.AddRange(sales.Select(s => s.Sale));
        return Task.FromResult(sales.Count);
    }

    public Task<bool> ContainsSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken) =>
        Task.FromResult(Sales.Any(s => s.Tenant == tenant && s.SaleId == saleId));

    public Task<IReadOnlyList<SaleRecord>> QuerySalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        Queries.Add(query);
        IReadOnlyList<SaleRecord> result = Matching(query).Skip(query.Offset).Take(query.Limit).ToList();
        return Task.FromResult(result);
    }

    public Task<long> CountSalesAsync(SalesQuery query, CancellationToken cancellationToken) => Task.FromResult((long)Matching(query).Count());

    public Task<SaleRecord?> GetSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken) =>
        Task.FromResult(Sales.FirstOrDefault(s => s.Tenant == tenant && s.SaleId == saleId));

    /// <summary>This store keeps no embeddings: nothing to replace.</summary>
    public Task<bool> ReplaceEmbeddingAsync(TenantId tenant, string saleId, StoredEmbedding embedding, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    public async IAsyncEnumerable<(SaleRecord Sale, StoredEmbedding? Embedding)> StreamSalesAsync(TenantId tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var sale in Sales.Where(s => s.Tenant == tenant))
        {
            yield return (sale, null);
        }
    }

    public Task<IReadOnlyList<TenantId>> GetTenantsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TenantId>>(Sales.Select(s => s.Tenant).Distinct().ToList());

    public Task<IReadOnlyList<string>> GetCategoriesAsync(TenantId tenant, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Sales.Where(s => s.Tenant == tenant).Select(s => s.Category).Distinct().Order().ToList());

    public Task<long> CountSalesAsync(TenantId tenant, CancellationToken cancellationToken) => Task.FromResult((long)Sales.Count(s => s.Tenant == tenant));

    private IEnumerable<SaleRecord> Matching(SalesQuery query) => Sales
        .Where(s => s.Tenant == query.Tenant)
        .Where(s => query.ProductId is null || s.ProductId == query.ProductId)
        .Where(s => query.Category is null || s.Category == query.Category)
        .Where(s => query.Brand is null || string.Equals(s.Brand, query.Brand, StringComparison.OrdinalIgnoreCase))
        .Where(s => query.Condition is null || s.Condition == query.Condition)
        .Where(s => query.MinPrice is null || s.SoldPrice >= query.MinPrice)
        .Where(s => query.MaxPrice is null || s.SoldPrice <= query.MaxPrice)
        .OrderByDescending(s => s.SoldAt);

    public static SaleRecord Sale(string tenant, string saleId, string productId, decimal price, DateTimeOffset soldAt, string category = "shoes", string? brand = "nike") => new()
    {
        Tenant = new TenantId(tenant),
        ProductId = productId,
        SaleId = saleId,
        Category = category,
        Brand = brand,
        Condition = ItemCondition.Good,
        Title = $"Sold {saleId}",
        SoldPrice = price,
        Currency = "SGD",
        SoldAt = soldAt,
        Source = "demo",
    };
}
