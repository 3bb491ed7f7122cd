using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Local.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The sales explorer's queries: condition and price filters, whitelisted sorting, counts and single-sale reads.</summary>
public sealed class SqliteSalesStoreExplorerTests : IAsyncLifetime, IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TenantId Acme = new("acme");
    private readonly TempFolder _folder = new();
    private readonly SqliteSalesStore _store;

    public SqliteSalesStoreExplorerTests() =>
        _store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, new FakeTimeProvider(Now));

    public async Task InitializeAsync()
    {
        await _store.AddSalesAsync(
        [
            (Sale("acme", "s1", 9.5m, Utc(2025, 12, 1), brand: "zara") with { Condition = ItemCondition.Good }, null),
            (Sale("acme", "s2", 120m, Utc(2025, 12, 5), brand: "Coach", category: "bags") with { Condition = ItemCondition.LikeNew }, null),
            (Sale("acme", "s3", 45m, Utc(2025, 12, 10), brand: "mango") with { Condition = ItemCondition.Good }, null),
            (Sale("acme", "s4", 1000m, Utc(2026, 1, 2), brand: null, category: "bags") with { Condition = ItemCondition.Fair }, null),
            (Sale("other", "s5", 50m, Utc(2025, 12, 10)), null),
        ], Ct);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task FiltersByConditionAndPriceRangeInclusive()
    {
        var good = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Condition = ItemCondition.Good }, Ct);
        Assert.Equal(["s3", "s1"], good.Select(s => s.SaleId));

        var priced = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, MinPrice = 45m, MaxPrice = 120m }, Ct);
        Assert.Equal(["s3", "s2"], priced.Select(s => s.SaleId));
    }

    [Fact]
    public async Task SortsNumericallyByPriceNotAsText()
    {
        var ascending = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Price, Descending = false }, Ct);
        Assert.Equal(["s1", "s3", "s2", "s4"], ascending.Select(s => s.SaleId));

        var descending = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Price, Descending = true }, Ct);
        Assert.Equal(["s4", "s2", "s3", "s1"], descending.Select(s => s.SaleId));
    }

    [Fact]
    public async Task SortsByBrandCaseInsensitivelyWithMissingBrandsLast()
    {
        var byBrand = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Brand, Descending = false }, Ct);
        Assert.Equal(["s2", "s3", "s1", "s4"], byBrand.Select(s => s.SaleId));
    }

    [Fact]
    public async Task SortsByCategoryThenNewestAndByDate()
    {
        var byCategory = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Category, Descending = false }, Ct);
        Assert.Equal(["s4", "s2", "s3", "s1"], byCategory.Select(s => s.SaleId));

        var oldest = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.SoldAt, Descending = false }, Ct);
        Assert.Equal(["s1", "s2", "s3", "s4"], oldest.Select(s => s.SaleId));
    }

    [Fact]
    public async Task CountsWhatTheFiltersMatchIgnoringThePage()
    {
        var query = new SalesQuery { Tenant = Acme, Category = "dresses", Limit = 1, Offset = 1 };

        Assert.Equal(2, await _store.CountSalesAsync(query, Ct));
        Assert.Single(await _store.QuerySalesAsync(query, Ct));
        Assert.Equal(4, await _store.CountSalesAsync(new SalesQuery { Tenant = Acme }, Ct));
        Assert.Equal(1, await _store.CountSalesAsync(new SalesQuery { Tenant = Acme, MinPrice = 500m }, Ct));
    }

    [Fact]
    public async Task PagesWithOffsetAndLimit()
    {
        var page = await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Limit = 2, Offset = 2 }, Ct);
        Assert.Equal(["s2", "s1"], page.Select(s => s.SaleId));
    }

    [Fact]
    public async Task GetsASaleOnlyWithinItsTenant()
    {
        var sale = await _store.GetSaleAsync(Acme, "s2", Ct);
        Assert.NotNull(sale);
        Assert.Equal(120m, sale.SoldPrice);

        Assert.Null(await _store.GetSaleAsync(new TenantId("other"), "s2", Ct));
        Assert.Null(await _store.GetSaleAsync(Acme, "s5", Ct));
        Assert.Null(await _store.GetSaleAsync(Acme, "nope", Ct));
    }

    [Fact]
    public async Task TreatsFilterTextAsDataNeverAsSql()
    {
        var hostile = "x' OR '1'='1";
        Assert.Empty(await _store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Category = hostile }, Ct));
        Assert.Equal(0, await _store.CountSalesAsync(new SalesQuery { Tenant = Acme, Brand = hostile }, Ct));
        Assert.Null(await _store.GetSaleAsync(Acme, hostile, Ct));
    }
}
