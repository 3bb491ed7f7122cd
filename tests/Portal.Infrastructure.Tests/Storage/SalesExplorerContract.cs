using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The sales explorer's queries (condition and price filters, whitelisted sorting, counts, single-sale reads), per adapter.</summary>
public abstract class SalesExplorerContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected static readonly TenantId Acme = new("acme");
    private ISalesStore? _store;

    protected ISalesStore Store => _store!;

    /// <summary>A store over this test's fresh storage (a table, a file).</summary>
    protected abstract Task<ISalesStore> CreateStoreAsync(TimeProvider timeProvider);

    protected virtual Task DisposeStorageAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(new FakeTimeProvider(Now));
        await _store.AddSalesAsync(
        [
            (Sale("acme", "s1", 9.5m, Utc(2025, 12, 1), brand: "zara") with { Condition = ItemCondition.Good }, null),
            (Sale("acme", "s2", 120m, Utc(2025, 12, 5), brand: "Coach", category: "bags") with { Condition = ItemCondition.LikeNew }, null),
            (Sale("acme", "s3", 45m, Utc(2025, 12, 10), brand: "mango") with { Condition = ItemCondition.Good }, null),
            (Sale("acme", "s4", 1000m, Utc(2026, 1, 2), brand: null, category: "bags") with { Condition = ItemCondition.Fair }, null),
            (Sale("other", "s5", 50m, Utc(2025, 12, 10)), null),
        ], Ct);
    }

    public Task DisposeAsync() => DisposeStorageAsync();

    [Fact]
    public async Task FiltersByConditionAndPriceRangeInclusive()
    {
        var good = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Condition = ItemCondition.Good }, Ct);
        Assert.Equal(["s3", "s1"], good.Select(s => s.SaleId));

        var priced = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, MinPrice = 45m, MaxPrice = 120m }, Ct);
        Assert.Equal(["s3", "s2"], priced.Select(s => s.SaleId));
    }

    [Fact]
    public async Task SortsNumericallyByPriceNotAsText()
    {
        var ascending = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Price, Descending = false }, Ct);
        Assert.Equal(["s1", "s3", "s2", "s4"], ascending.Select(s => s.SaleId));

        var descending = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Price, Descending = true }, Ct);
        Assert.Equal(["s4", "s2", "s3", "s1"], descending.Select(s => s.SaleId));
    }

    [Fact]
    public async Task SortsByBrandCaseInsensitivelyWithMissingBrandsLast()
    {
        var byBrand = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Brand, Descending = false }, Ct);
        Assert.Equal(["s2", "s3", "s1", "s4"], byBrand.Select(s => s.SaleId));
    }

    [Fact]
    public async Task SortsByCategoryThenNewestAndByDate()
    {
        var byCategory = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.Category, Descending = false }, Ct);
        Assert.Equal(["s4", "s2", "s3", "s1"], byCategory.Select(s => s.SaleId));

        var oldest = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, SortBy = SalesSort.SoldAt, Descending = false }, Ct);
        Assert.Equal(["s1", "s2", "s3", "s4"], oldest.Select(s => s.SaleId));
    }

    [Fact]
    public async Task CountsWhatTheFiltersMatchIgnoringThePage()
    {
        var query = new SalesQuery { Tenant = Acme, Category = "dresses", Limit = 1, Offset = 1 };

        Assert.Equal(2, await Store.CountSalesAsync(query, Ct));
        Assert.Single(await Store.QuerySalesAsync(query, Ct));
        Assert.Equal(4, await Store.CountSalesAsync(new SalesQuery { Tenant = Acme }, Ct));
        Assert.Equal(1, await Store.CountSalesAsync(new SalesQuery { Tenant = Acme, MinPrice = 500m }, Ct));
    }

    [Fact]
    public async Task PagesWithOffsetAndLimit()
    {
        var page = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Limit = 2, Offset = 2 }, Ct);
        Assert.Equal(["s2", "s1"], page.Select(s => s.SaleId));
    }

    [Fact]
    public async Task GetsASaleOnlyWithinItsTenant()
    {
        var sale = await Store.GetSaleAsync(Acme, "s2", Ct);
        Assert.NotNull(sale);
        Assert.Equal(120m, sale.SoldPrice);

        Assert.Null(await Store.GetSaleAsync(new TenantId("other"), "s2", Ct));
        Assert.Null(await Store.GetSaleAsync(Acme, "s5", Ct));
        Assert.Null(await Store.GetSaleAsync(Acme, "nope", Ct));
    }

    [Fact]
    public async Task TreatsFilterTextAsDataNeverAsSql()
    {
        var hostile = "x' OR '1'='1";
        Assert.Empty(await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Category = hostile }, Ct));
        Assert.Equal(0, await Store.CountSalesAsync(new SalesQuery { Tenant = Acme, Brand = hostile }, Ct));
        Assert.Null(await Store.GetSaleAsync(Acme, hostile, Ct));
    }

    [Fact]
    public async Task SortsEveryWayWithTheCategoryFilterAndCountsItTheSame()
    {
        foreach (var sort in Enum.GetValues<SalesSort>())
        {
            var page = await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Category = "bags", SortBy = sort, Descending = false }, Ct);
            Assert.Equal(2, page.Count);
            Assert.All(page, s => Assert.Equal("bags", s.Category));
        }

        Assert.Equal(["s2", "s4"], (await Store.QuerySalesAsync(new SalesQuery { Tenant = Acme, Category = "bags", SortBy = SalesSort.Price, Descending = false }, Ct)).Select(s => s.SaleId));
        Assert.Equal(2, await Store.CountSalesAsync(new SalesQuery { Tenant = Acme, Category = "bags", SortBy = SalesSort.Price }, Ct));
        Assert.Equal(1, await Store.CountSalesAsync(new SalesQuery { Tenant = Acme, Category = "bags", SoldFrom = Utc(2026, 1, 1) }, Ct));
    }
}
