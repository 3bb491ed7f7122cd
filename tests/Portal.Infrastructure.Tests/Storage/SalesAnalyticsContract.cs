using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Lake;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// The analytics catalogue's behaviour, whatever runs it: DuckDB over the local Parquet lake (<see cref="DuckDbSalesAnalyticsTests"/>)
/// and Athena through the typed client and the DuckDB-backed fake over the same files (<c>AthenaSalesAnalyticsTests</c>).
/// </summary>
public abstract class SalesAnalyticsContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly AnalyticsFilter Year2025 = new(From: Utc(2025, 1, 1, 0), To: Utc(2026, 1, 1, 0));
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly LakeOptions _options;
    private readonly List<object> _created = [];
    private ISalesAnalytics _analytics = null!;

    protected SalesAnalyticsContract()
    {
        _options = new LakeOptions { RootDirectory = _folder.Path };
    }

    /// <summary>The adapter under test over the lake at <paramref name="options"/>; disposed (if disposable) after the test.</summary>
    protected abstract Task<ISalesAnalytics> CreateAnalyticsAsync(LakeOptions options, TimeProvider time);

    public async Task InitializeAsync() => _analytics = await CreateAsync(_options);

    public async Task DisposeAsync()
    {
        foreach (var created in Enumerable.Reverse(_created))
        {
            switch (created)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _folder.Dispose();
    }

    private async Task<ISalesAnalytics> CreateAsync(LakeOptions options)
    {
        var analytics = await CreateAnalyticsAsync(options, _time);
        _created.Add(analytics);
        return analytics;
    }

    /// <summary>Lets a subclass tie a resource (a fake server, a service provider) to the test's lifetime.</summary>
    protected void DisposeAfterTest(object resource) => _created.Add(resource);

    private async Task WriteAsync(params SaleRecord[] sales) =>
        await new ParquetSalesLake(_options, _time).AppendAsync(sales.Select(s => new LakeRow(s, null)).ToList(), Ct);

    [Fact]
    public async Task MonthlyTrendGroupsARangeByMonthAndCategory()
    {
        await WriteAsync(
            Sale("acme", "1", 10m, Utc(2025, 1, 5), "dresses"),
            Sale("acme", "2", 20m, Utc(2025, 1, 31, 23), "dresses"),
            Sale("acme", "3", 100m, Utc(2025, 1, 9), "shoes"),
            Sale("acme", "4", 30m, Utc(2025, 2, 1, 0), "dresses"),
            Sale("acme", "5", 1000m, Utc(2024, 12, 31, 23), "dresses"),
            Sale("acme", "6", 1000m, Utc(2026, 1, 1, 0), "dresses"));
        await WriteAsync(Sale("acme", "7", 40m, Utc(2025, 2, 14), "dresses"));

        var trend = await _analytics.MonthlyTrendAsync(new TenantId("acme"), Year2025, Ct);

        Assert.Equal(
        [
            new MonthlyTrendRow(2025, 1, "shoes", 100, 1),
            new MonthlyTrendRow(2025, 1, "dresses", 15, 2),
            new MonthlyTrendRow(2025, 2, "dresses", 35, 2),
        ], trend);
        Assert.Equal(
            [new MonthlyTrendRow(2025, 1, "shoes", 100, 1)],
            await _analytics.MonthlyTrendAsync(new TenantId("acme"), Year2025 with { Category = "shoes" }, Ct));
    }

    [Fact]
    public async Task BrandPerformanceKeepsBrandsWithEnoughSalesInTheWindow()
    {
        var asOf = Utc(2025, 6, 30, 0); // 90 days back: 2025-04-01T00:00Z
        var sales = new List<SaleRecord>();
        for (var i = 1; i <= 10; i++)
        {
            sales.Add(Sale("acme", $"ten-{i}", i * 10m, Utc(2025, 5, i), brand: "ten"));
        }

        for (var i = 1; i <= 9; i++)
        {
            sales.Add(Sale("acme", $"nine-{i}", 200m, Utc(2025, 6, i), brand: "nine"));
        }

        for (var i = 1; i <= 11; i++)
        {
            sales.Add(Sale("acme", $"eleven-{i}", 20m, Utc(2025, 4, 1, 0).AddDays(i - 1), brand: "eleven", category: i == 1 ? "bags" : "dresses"));
        }

        sales.Add(Sale("acme", "ten-old", 10_000m, Utc(2025, 3, 31, 23), brand: "ten"));
        sales.Add(Sale("acme", "ten-future", 10_000m, Utc(2025, 6, 30, 1), brand: "ten"));
        sales.Add(Sale("acme", "nobrand", 5m, Utc(2025, 6, 1), brand: null));
        await WriteAsync([.. sales]);
        var tenant = new TenantId("acme");

        var atTen = await _analytics.BrandPerformanceAsync(tenant, AnalyticsFilter.None, asOf, 90, 10, Ct);
        Assert.Equal([new BrandPerformanceRow("ten", 55, 55, 10), new BrandPerformanceRow("eleven", 20, 20, 11)], atTen);

        var atNine = await _analytics.BrandPerformanceAsync(tenant, AnalyticsFilter.None, asOf, 90, 9, Ct);
        Assert.Equal(["nine", "ten", "eleven"], atNine.Select(r => r.Brand));
        Assert.Equal(new BrandPerformanceRow("nine", 200, 200, 9), atNine[0]);

        var dressesOnly = await _analytics.BrandPerformanceAsync(tenant, new AnalyticsFilter(Category: "dresses"), asOf, 90, 10, Ct);
        Assert.Equal([new BrandPerformanceRow("ten", 55, 55, 10), new BrandPerformanceRow("eleven", 20, 20, 10)], dressesOnly);
    }

    [Fact]
    public async Task SeasonalIndexAndHistogramMatchHandComputedValues()
    {
        await WriteAsync(
            Sale("acme", "1", 100m, Utc(2025, 1, 5), "coats"),
            Sale("acme", "2", 100m, Utc(2024, 3, 5), "coats"),
            Sale("acme", "3", 50m, Utc(2025, 8, 5), "coats"),
            Sale("acme", "4", 10m, Utc(2025, 5, 5), "hats"));
        var tenant = new TenantId("acme");

        var seasonal = await _analytics.SeasonalIndexAsync(tenant, AnalyticsFilter.None, Ct);

        // coats: overall 250/3; Q1 100 / (250/3) = 1.2, Q3 50 / (250/3) = 0.6. hats: 1.
        Assert.Equal(["coats/Q1/2", "coats/Q3/1", "hats/Q2/1"], seasonal.Select(r => $"{r.Category}/{r.Season}/{r.SaleCount}"));
        Assert.Equal([1.2, 0.6, 1.0], seasonal.Select(r => Math.Round(r.Index, 10)));
        Assert.Equal(2, (await _analytics.SeasonalIndexAsync(tenant, new AnalyticsFilter("coats"), Ct)).Count);

        var histogram = await _analytics.PriceHistogramAsync(tenant, AnalyticsFilter.None, 3, Ct);

        // 10..100 in three bins of 30: [10,40) {10}, [40,70) {50}, [70,100] {100,100}.
        Assert.Equal([new PriceHistogramBin(10, 40, 1), new PriceHistogramBin(40, 70, 1), new PriceHistogramBin(70, 100, 2)], histogram);
        var fourBins = await _analytics.PriceHistogramAsync(tenant, new AnalyticsFilter("coats"), 4, Ct);
        Assert.Equal([1L, 0L, 0L, 2L], fourBins.Select(b => b.Count));
        Assert.Equal([new PriceHistogramBin(10, 10, 1)], await _analytics.PriceHistogramAsync(tenant, new AnalyticsFilter("hats"), 5, Ct));
        Assert.Equal(4, await _analytics.CountRowsAsync(tenant, Ct));
    }

    [Fact]
    public async Task AnotherTenantsRowsAreNeverCounted()
    {
        await WriteAsync(
            Sale("acme", "1", 10m, Utc(2025, 1, 5), "dresses", "zara"),
            Sale("acme-2", "1", 500m, Utc(2025, 1, 5), "dresses", "zara"),
            Sale("acme-2", "2", 700m, Utc(2025, 1, 6), "shoes", "zara"));
        var acme = new TenantId("acme");

        Assert.Equal(1, await _analytics.CountRowsAsync(acme, Ct));
        Assert.Equal([new MonthlyTrendRow(2025, 1, "dresses", 10, 1)], await _analytics.MonthlyTrendAsync(acme, Year2025, Ct));
        Assert.Equal([new BrandPerformanceRow("zara", 10, 10, 1)], await _analytics.BrandPerformanceAsync(acme, AnalyticsFilter.None, Utc(2025, 1, 31), 30, 1, Ct));
        Assert.Equal(["dresses"], (await _analytics.SeasonalIndexAsync(acme, AnalyticsFilter.None, Ct)).Select(r => r.Category));
        Assert.Equal(1, (await _analytics.PriceHistogramAsync(acme, AnalyticsFilter.None, 2, Ct)).Sum(b => b.Count));
        Assert.Equal(2, await _analytics.CountRowsAsync(new TenantId("acme-2"), Ct));
    }

    [Fact]
    public async Task ATenantWithoutLakeFilesGetsEmptyResults()
    {
        var tenant = new TenantId("nobody");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "sales_history", "tenant_id=nobody", "year=2025", "month=01"));

        Assert.Equal(0, await _analytics.CountRowsAsync(tenant, Ct));
        Assert.Empty(await _analytics.MonthlyTrendAsync(tenant, Year2025, Ct));
        Assert.Empty(await _analytics.BrandPerformanceAsync(tenant, AnalyticsFilter.None, Now, 90, 10, Ct));
        Assert.Empty(await _analytics.SeasonalIndexAsync(tenant, AnalyticsFilter.None, Ct));
        Assert.Empty(await _analytics.PriceHistogramAsync(tenant, AnalyticsFilter.None, 10, Ct));
        var missingRoot = await CreateAsync(new LakeOptions { RootDirectory = Path.Combine(_folder.Path, "missing") });
        Assert.Empty(await missingRoot.MonthlyTrendAsync(tenant, Year2025, Ct));
    }

    [Fact]
    public async Task ConcurrentQueriesSeeEveryAppendedFile()
    {
        await WriteAsync(Sale("acme", "1", 10m, Utc(2025, 1, 5)));
        var tenant = new TenantId("acme");
        Assert.Equal(1, await _analytics.CountRowsAsync(tenant, Ct));

        await WriteAsync(Sale("acme", "2", 20m, Utc(2025, 1, 6)), Sale("acme", "3", 30m, Utc(2025, 3, 6)));
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _analytics.CountRowsAsync(tenant, Ct))));
        var trends = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _analytics.MonthlyTrendAsync(tenant, Year2025, Ct))));

        Assert.All(counts, c => Assert.Equal(3, c));
        Assert.All(trends, t => Assert.Equal([new MonthlyTrendRow(2025, 1, "dresses", 15, 2), new MonthlyTrendRow(2025, 3, "dresses", 30, 1)], t));
    }

    [Theory]
    [InlineData("../acme")]
    [InlineData("acme/../other")]
    [InlineData("acme' OR 1=1 --")]
    [InlineData("*")]
    [InlineData("ACME")]
    [InlineData("")]
    public async Task TenantIdsWithPathOrSqlTricksCannotReachTheLake(string hostile)
    {
        await WriteAsync(Sale("acme", "1", 10m, Utc(2025, 1, 5)));

        Assert.Throws<ArgumentException>(() => new TenantId(hostile));
        Assert.False(TenantId.TryParse(hostile, out _));
        await Assert.ThrowsAsync<ArgumentException>(() => _analytics.CountRowsAsync(default, Ct));
    }

    [Fact]
    public async Task CategoryValuesAreBoundNotConcatenated()
    {
        await WriteAsync(Sale("acme", "1", 10m, Utc(2025, 1, 5), "dresses"));

        Assert.Empty(await _analytics.MonthlyTrendAsync(new TenantId("acme"), new AnalyticsFilter(Category: "x' OR '1'='1"), Ct));
        Assert.Empty(await _analytics.SeasonalIndexAsync(new TenantId("acme"), new AnalyticsFilter("dresses'; DROP TABLE x; --"), Ct));
        Assert.Empty(await _analytics.PriceHistogramAsync(new TenantId("acme"), new AnalyticsFilter(Brand: "zara' OR '1'='1"), 5, Ct));
        Assert.Empty(await _analytics.BrandsAsync(new TenantId("acme"), "x' OR '1'='1", Ct));
    }

    [Fact]
    public async Task MonthlyTrendSpansYearsAndHonoursEveryFilter()
    {
        await WriteAsync(
            Sale("acme", "1", 10m, Utc(2024, 11, 30, 23), "dresses", "zara"),
            Sale("acme", "2", 30m, Utc(2024, 12, 1, 0), "dresses", "zara"),
            Sale("acme", "3", 50m, Utc(2024, 12, 15), "dresses", "mango"),
            Sale("acme", "4", 70m, Utc(2025, 1, 10), "dresses", "zara"),
            Sale("acme", "5", 90m, Utc(2025, 1, 10), "shoes", "zara"),
            Sale("acme", "6", 110m, Utc(2025, 2, 1, 0), "dresses", "zara"));
        var acme = new TenantId("acme");

        Assert.Equal(
            ["2024-11 dresses", "2024-12 dresses", "2025-01 shoes", "2025-01 dresses", "2025-02 dresses"],
            (await _analytics.MonthlyTrendAsync(acme, AnalyticsFilter.None, Ct)).Select(r => $"{r.Year}-{r.Month:00} {r.Category}"));

        // [Dec 1st, Feb 1st): both ends on month boundaries; From is inclusive, To exclusive.
        var range = new AnalyticsFilter(From: Utc(2024, 12, 1, 0), To: Utc(2025, 2, 1, 0));
        Assert.Equal(
            [new MonthlyTrendRow(2024, 12, "dresses", 40, 2), new MonthlyTrendRow(2025, 1, "shoes", 90, 1), new MonthlyTrendRow(2025, 1, "dresses", 70, 1)],
            await _analytics.MonthlyTrendAsync(acme, range, Ct));
        Assert.Equal(
            [new MonthlyTrendRow(2024, 12, "dresses", 30, 1), new MonthlyTrendRow(2025, 1, "dresses", 70, 1)],
            await _analytics.MonthlyTrendAsync(acme, range with { Category = "dresses", Brand = "zara" }, Ct));

        // Mid-month bounds cut inside a partition by the sale time.
        Assert.Equal(
            [new MonthlyTrendRow(2024, 12, "dresses", 50, 1)],
            await _analytics.MonthlyTrendAsync(acme, new AnalyticsFilter(From: Utc(2024, 12, 10, 0), To: Utc(2024, 12, 20, 0)), Ct));
        Assert.Empty(await _analytics.MonthlyTrendAsync(acme, new AnalyticsFilter(From: Utc(2025, 1, 10), To: Utc(2025, 1, 10)), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _analytics.MonthlyTrendAsync(acme, new AnalyticsFilter(From: Utc(2025, 2, 1), To: Utc(2025, 1, 1)), Ct));
    }

    [Fact]
    public async Task SeasonalIndexHistogramAndBrandPerformanceHonourTheFilter()
    {
        await WriteAsync(
            Sale("acme", "1", 100m, Utc(2025, 1, 5), "coats", "zara"),
            Sale("acme", "2", 50m, Utc(2025, 7, 5), "coats", "zara"),
            Sale("acme", "3", 400m, Utc(2025, 7, 6), "coats", "burberry"),
            Sale("acme", "4", 20m, Utc(2024, 1, 5), "coats", "zara"));
        var acme = new TenantId("acme");
        var zara2025 = new AnalyticsFilter("coats", "zara", Utc(2025, 1, 1, 0), Utc(2026, 1, 1, 0));

        var seasonal = await _analytics.SeasonalIndexAsync(acme, zara2025, Ct);
        Assert.Equal(["Q1", "Q3"], seasonal.Select(r => r.Season));
        Assert.Equal([100 / 75.0, 50 / 75.0], seasonal.Select(r => r.Index), new ToleranceComparer(1e-9));

        Assert.Equal([new PriceHistogramBin(50, 75, 1), new PriceHistogramBin(75, 100, 1)], await _analytics.PriceHistogramAsync(acme, zara2025, 2, Ct));
        Assert.Equal(4, (await _analytics.PriceHistogramAsync(acme, AnalyticsFilter.None, 2, Ct)).Sum(b => b.Count));

        // The 365-day window up to 2025-12-31 intersected with [2025-07-01, ∞): only July's sales.
        var asOf = Utc(2025, 12, 31);
        Assert.Equal(
            [new BrandPerformanceRow("burberry", 400, 400, 1), new BrandPerformanceRow("zara", 50, 50, 1)],
            await _analytics.BrandPerformanceAsync(acme, new AnalyticsFilter(From: Utc(2025, 7, 1, 0)), asOf, 365, 1, Ct));
        Assert.Equal(
            [new BrandPerformanceRow("zara", 75, 75, 2)],
            await _analytics.BrandPerformanceAsync(acme, new AnalyticsFilter(Brand: "zara"), asOf, 365, 1, Ct));
    }

    [Fact]
    public async Task CategoriesAndBrandsAreDistinctAndSorted()
    {
        await WriteAsync(
            Sale("acme", "1", 10m, Utc(2025, 1, 5), "shoes", "nike"),
            Sale("acme", "2", 10m, Utc(2025, 1, 6), "dresses", "zara"),
            Sale("acme", "3", 10m, Utc(2025, 2, 6), "dresses", "mango"),
            Sale("acme", "4", 10m, Utc(2025, 2, 7), "dresses", null),
            Sale("other", "1", 10m, Utc(2025, 2, 7), "hats", "gucci"));
        var acme = new TenantId("acme");

        Assert.Equal(["dresses", "shoes"], await _analytics.CategoriesAsync(acme, Ct));
        Assert.Equal(["mango", "nike", "zara"], await _analytics.BrandsAsync(acme, null, Ct));
        Assert.Equal(["mango", "zara"], await _analytics.BrandsAsync(acme, "dresses", Ct));
        Assert.Empty(await _analytics.CategoriesAsync(new TenantId("nobody"), Ct));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
