using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Local.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

public sealed class DuckDbSalesAnalyticsTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly LakeOptions _options;
    private readonly DuckDbSalesAnalytics _analytics;

    public DuckDbSalesAnalyticsTests()
    {
        _options = new LakeOptions { RootDirectory = _folder.Path };
        _analytics = new DuckDbSalesAnalytics(_options, _time);
    }

    public void Dispose()
    {
        _analytics.Dispose();
        _folder.Dispose();
    }

    private async Task WriteAsync(params SaleRecord[] sales) =>
        await new ParquetSalesLake(_options, _time).AppendAsync(sales.Select(s => new LakeRow(s, null)).ToList(), Ct);

    [Fact]
    public async Task MonthlyTrendGroupsOneYearByMonthAndCategory()
    {
        await WriteAsync(
            Sale("acme", "1", 10m, Utc(2025, 1, 5), "dresses"),
            Sale("acme", "2", 20m, Utc(2025, 1, 31, 23), "dresses"),
            Sale("acme", "3", 100m, Utc(2025, 1, 9), "shoes"),
            Sale("acme", "4", 30m, Utc(2025, 2, 1, 0), "dresses"),
            Sale("acme", "5", 1000m, Utc(2024, 12, 31, 23), "dresses"),
            Sale("acme", "6", 1000m, Utc(2026, 1, 1, 0), "dresses"));
        await WriteAsync(Sale("acme", "7", 40m, Utc(2025, 2, 14), "dresses"));

        var trend = await _analytics.MonthlyTrendAsync(new TenantId("acme"), 2025, null, Ct);

        Assert.Equal(
        [
            new MonthlyTrendRow(1, "shoes", 100, 1),
            new MonthlyTrendRow(1, "dresses", 15, 2),
            new MonthlyTrendRow(2, "dresses", 35, 2),
        ], trend);
        Assert.Equal(
            [new MonthlyTrendRow(1, "shoes", 100, 1)],
            await _analytics.MonthlyTrendAsync(new TenantId("acme"), 2025, "shoes", Ct));
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

        var atTen = await _analytics.BrandPerformanceAsync(tenant, asOf, 90, 10, null, Ct);
        Assert.Equal([new BrandPerformanceRow("ten", 55, 55, 10), new BrandPerformanceRow("eleven", 20, 20, 11)], atTen);

        var atNine = await _analytics.BrandPerformanceAsync(tenant, asOf, 90, 9, null, Ct);
        Assert.Equal(["nine", "ten", "eleven"], atNine.Select(r => r.Brand));
        Assert.Equal(new BrandPerformanceRow("nine", 200, 200, 9), atNine[0]);

        var dressesOnly = await _analytics.BrandPerformanceAsync(tenant, asOf, 90, 10, "dresses", Ct);
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

        var seasonal = await _analytics.SeasonalIndexAsync(tenant, null, Ct);

        // coats: overall 250/3; Q1 100 / (250/3) = 1.2, Q3 50 / (250/3) = 0.6. hats: 1.
        Assert.Equal(["coats/Q1/2", "coats/Q3/1", "hats/Q2/1"], seasonal.Select(r => $"{r.Category}/{r.Season}/{r.SaleCount}"));
        Assert.Equal([1.2, 0.6, 1.0], seasonal.Select(r => Math.Round(r.Index, 10)));
        Assert.Equal(2, (await _analytics.SeasonalIndexAsync(tenant, "coats", Ct)).Count);

        var histogram = await _analytics.PriceHistogramAsync(tenant, null, 3, Ct);

        // 10..100 in three bins of 30: [10,40) {10}, [40,70) {50}, [70,100] {100,100}.
        Assert.Equal([new PriceHistogramBin(10, 40, 1), new PriceHistogramBin(40, 70, 1), new PriceHistogramBin(70, 100, 2)], histogram);
        var fourBins = await _analytics.PriceHistogramAsync(tenant, "coats", 4, Ct);
        Assert.Equal([1L, 0L, 0L, 2L], fourBins.Select(b => b.Count));
        Assert.Equal([new PriceHistogramBin(10, 10, 1)], await _analytics.PriceHistogramAsync(tenant, "hats", 5, Ct));
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
        Assert.Equal([new MonthlyTrendRow(1, "dresses", 10, 1)], await _analytics.MonthlyTrendAsync(acme, 2025, null, Ct));
        Assert.Equal([new BrandPerformanceRow("zara", 10, 10, 1)], await _analytics.BrandPerformanceAsync(acme, Utc(2025, 1, 31), 30, 1, null, Ct));
        Assert.Equal(["dresses"], (await _analytics.SeasonalIndexAsync(acme, null, Ct)).Select(r => r.Category));
        Assert.Equal(1, (await _analytics.PriceHistogramAsync(acme, null, 2, Ct)).Sum(b => b.Count));
        Assert.Equal(2, await _analytics.CountRowsAsync(new TenantId("acme-2"), Ct));
    }

    [Fact]
    public async Task ATenantWithoutLakeFilesGetsEmptyResults()
    {
        var tenant = new TenantId("nobody");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "sales_history", "tenant_id=nobody", "year=2025", "month=01"));

        Assert.Equal(0, await _analytics.CountRowsAsync(tenant, Ct));
        Assert.Empty(await _analytics.MonthlyTrendAsync(tenant, 2025, null, Ct));
        Assert.Empty(await _analytics.BrandPerformanceAsync(tenant, Now, 90, 10, null, Ct));
        Assert.Empty(await _analytics.SeasonalIndexAsync(tenant, null, Ct));
        Assert.Empty(await _analytics.PriceHistogramAsync(tenant, null, 10, Ct));
        using var missingRoot = new DuckDbSalesAnalytics(new LakeOptions { RootDirectory = Path.Combine(_folder.Path, "missing") }, _time);
        Assert.Empty(await missingRoot.MonthlyTrendAsync(tenant, 2025, null, Ct));
    }

    [Fact]
    public async Task ConcurrentQueriesSeeEveryAppendedFile()
    {
        await WriteAsync(Sale("acme", "1", 10m, Utc(2025, 1, 5)));
        var tenant = new TenantId("acme");
        Assert.Equal(1, await _analytics.CountRowsAsync(tenant, Ct));

        await WriteAsync(Sale("acme", "2", 20m, Utc(2025, 1, 6)), Sale("acme", "3", 30m, Utc(2025, 3, 6)));
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _analytics.CountRowsAsync(tenant, Ct))));
        var trends = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _analytics.MonthlyTrendAsync(tenant, 2025, null, Ct))));

        Assert.All(counts, c => Assert.Equal(3, c));
        Assert.All(trends, t => Assert.Equal([new MonthlyTrendRow(1, "dresses", 15, 2), new MonthlyTrendRow(3, "dresses", 30, 1)], t));
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

        Assert.Empty(await _analytics.MonthlyTrendAsync(new TenantId("acme"), 2025, "x' OR '1'='1", Ct));
        Assert.Empty(await _analytics.SeasonalIndexAsync(new TenantId("acme"), "dresses'; DROP TABLE x; --", Ct));
    }
}
