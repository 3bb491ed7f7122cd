
namespace Portal.Core.Sales;

/// <summary>The analytics query catalogue over the lake (DuckDB embedded, Athena in production). Always scoped to one tenant.</summary>
public interface ISalesAnalytics
{
    /// <summary>The seed's monthly sales trend: average price and sale count per calendar month (UTC) and category.</summary>
    Task<IReadOnlyList<MonthlyTrendRow>> MonthlyTrendAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// The seed's brand performance: brands sold at least <paramref name="minSales"/> times in the <paramref name="lookbackDays"/>
    /// days up to <paramref name="asOf"/> (both ends inclusive), dearest first. The filter's category and brand narrow the rows;
    /// its date range, when set, narrows the window further (the two windows intersect).
    /// </summary>
    Task<IReadOnlyList<BrandPerformanceRow>> BrandPerformanceAsync(
        TenantId tenant, AnalyticsFilter filter, DateTimeOffset asOf, int lookbackDays, int minSales, CancellationToken cancellationToken);

    /// <summary>Per category and quarter: the quarter's average price over the category's average price (within the filter).</summary>
    Task<IReadOnlyList<SeasonalIndexRow>> SeasonalIndexAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken);

    /// <summary><paramref name="bins"/> equal-width price bins between the filtered rows' minimum and maximum price.</summary>
    Task<IReadOnlyList<PriceHistogramBin>> PriceHistogramAsync(TenantId tenant, AnalyticsFilter filter, int bins, CancellationToken cancellationToken);

    /// <summary>The tenant's categories, sorted (for filter pickers).</summary>
    Task<IReadOnlyList<string>> CategoriesAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>The tenant's brands (optionally within one category), sorted (for filter pickers).</summary>
    Task<IReadOnlyList<string>> BrandsAsync(TenantId tenant, string? category, CancellationToken cancellationToken);

    Task<long> CountRowsAsync(TenantId tenant, CancellationToken cancellationToken);
}

/// <summary>
/// What the dashboards narrow by. Null means "any". <see cref="From"/> is inclusive and <see cref="To"/> exclusive
/// (a half-open range, so consecutive ranges never count a sale twice); both are compared in UTC.
/// </summary>
public sealed record AnalyticsFilter(string? Category = null, string? Brand = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public static AnalyticsFilter None { get; } = new();
}

public sealed record MonthlyTrendRow(int Year, int Month, string Category, double AvgPrice, long SaleCount);

public sealed record BrandPerformanceRow(string Brand, double AvgPrice, double MedianPrice, long TotalSales);

public sealed record SeasonalIndexRow(string Category, string Season, double Index, long SaleCount);

public sealed record PriceHistogramBin(double From, double To, long Count);
