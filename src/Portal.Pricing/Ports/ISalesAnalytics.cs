using Portal.Pricing.Domain;

namespace Portal.Pricing.Ports;

/// <summary>The analytics query catalogue over the lake (DuckDB embedded, Athena in production). Always scoped to one tenant.</summary>
public interface ISalesAnalytics
{
    Task<IReadOnlyList<MonthlyTrendRow>> MonthlyTrendAsync(TenantId tenant, int year, string? category, CancellationToken cancellationToken);

    Task<IReadOnlyList<BrandPerformanceRow>> BrandPerformanceAsync(TenantId tenant, DateTimeOffset asOf, int lookbackDays, int minSales, string? category, CancellationToken cancellationToken);

    Task<IReadOnlyList<SeasonalIndexRow>> SeasonalIndexAsync(TenantId tenant, string? category, CancellationToken cancellationToken);

    Task<IReadOnlyList<PriceHistogramBin>> PriceHistogramAsync(TenantId tenant, string? category, int bins, CancellationToken cancellationToken);

    Task<long> CountRowsAsync(TenantId tenant, CancellationToken cancellationToken);
}

public sealed record MonthlyTrendRow(int Month, string Category, double AvgPrice, long SaleCount);

public sealed record BrandPerformanceRow(string Brand, double AvgPrice, double MedianPrice, long TotalSales);

public sealed record SeasonalIndexRow(string Category, string Season, double Index, long SaleCount);

public sealed record PriceHistogramBin(double From, double To, long Count);
