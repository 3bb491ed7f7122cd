namespace Portal.Infrastructure.Local.Storage;

/// <summary>
/// The analytics query catalogue over <c>sales_history</c>, in DuckDB's dialect. <see cref="Source"/> is replaced by the
/// tenant's relation (a <c>read_parquet</c> over that tenant's folder for DuckDB, the catalogue table for Athena); every other
/// value is a bound parameter (<c>$name</c>). Partition columns (<c>tenant_id</c>, <c>year</c>, <c>month</c>) come from the
/// folder names, and filters on them prune whole files.
/// </summary>
/// <remarks>Athena differences: <c>quantile_cont(x, 0.5)</c> ↔ <c>approx_percentile(x, 0.5)</c>, <c>$name</c> ↔ positional <c>?</c>.</remarks>
public static class SalesQueryCatalogue
{
    /// <summary>Placeholder for the tenant's <c>sales_history</c> relation.</summary>
    public const string Source = "{sales_history}";

    /// <summary>
    /// The filter every dashboard query shares (<c>AnalyticsFilter</c>): tenant, a half-open time range <c>[$from, $to)</c>
    /// with its yyyymm bounds <c>$from_ym</c>/<c>$to_ym</c> (inclusive, so whole partitions are pruned), and optional
    /// <c>$category</c> and <c>$brand</c> (NULL = any). The time bounds are always bound (wide defaults), never NULL.
    /// </summary>
    public const string Filter = """
        tenant_id = $tenant
          AND year * 100 + month BETWEEN $from_ym AND $to_ym
          AND sold_date >= $from AND sold_date < $to
          AND ($category IS NULL OR category = $category)
          AND ($brand IS NULL OR brand = $brand)
        """;

    /// <summary>The seed's "monthly sales trends": per calendar month and category over the filter's range. Parameters: <see cref="Filter"/>'s.</summary>
    public const string MonthlyTrend = $"""
        SELECT CAST(year AS INTEGER) AS sale_year,
               CAST(month AS INTEGER) AS sale_month,
               category,
               AVG(sold_price) AS avg_price,
               COUNT(*) AS sale_count
        FROM {Source}
        WHERE {Filter}
        GROUP BY year, month, category
        ORDER BY sale_year, sale_month, avg_price DESC, category
        """;

    /// <summary>
    /// The seed's "brand performance": brands sold at least <c>$min_sales</c> times in <c>[$window_from, $window_to]</c>
    /// (and within <see cref="Filter"/>), dearest first. Parameters: <see cref="Filter"/>'s, window_from, window_to, min_sales.
    /// </summary>
    public const string BrandPerformance = $"""
        SELECT brand,
               AVG(sold_price) AS avg_price,
               quantile_cont(sold_price, 0.5) AS median_price,
               COUNT(*) AS total_sales
        FROM {Source}
        WHERE {Filter}
          AND sold_date >= $window_from AND sold_date <= $window_to
          AND brand IS NOT NULL
        GROUP BY brand
        HAVING COUNT(*) >= $min_sales
        ORDER BY avg_price DESC, brand
        """;

    /// <summary>Seasonal index: a category's average price in a quarter over its average price overall (within the filter). Parameters: <see cref="Filter"/>'s.</summary>
    public const string SeasonalIndex = $"""
        WITH base AS (
            SELECT category, season, sold_price
            FROM {Source}
            WHERE {Filter}
        ),
        overall AS (
            SELECT category, AVG(sold_price) AS avg_all FROM base GROUP BY category
        )
        SELECT b.category,
               b.season,
               AVG(b.sold_price) / o.avg_all AS seasonal_index,
               COUNT(*) AS sale_count
        FROM base b JOIN overall o ON b.category = o.category
        WHERE o.avg_all > 0
        GROUP BY b.category, b.season, o.avg_all
        ORDER BY b.category, b.season
        """;

    /// <summary>
    /// Price histogram: counts in <c>$bins</c> equal-width bins between the minimum and the maximum price (the maximum falls
    /// in the last bin). Empty bins are absent. Parameters: <see cref="Filter"/>'s, bins.
    /// </summary>
    public const string PriceHistogram = $"""
        WITH base AS (
            SELECT sold_price
            FROM {Source}
            WHERE {Filter}
        ),
        bounds AS (
            SELECT MIN(sold_price) AS lo, MAX(sold_price) AS hi FROM base
        )
        SELECT bounds.lo,
               bounds.hi,
               CASE WHEN bounds.hi = bounds.lo THEN 0
                    ELSE LEAST(CAST(FLOOR((base.sold_price - bounds.lo) / ((bounds.hi - bounds.lo) / $bins)) AS INTEGER), $bins - 1)
               END AS bin,
               COUNT(*) AS bin_count
        FROM base, bounds
        GROUP BY ALL
        ORDER BY bin
        """;

    /// <summary>The tenant's categories. Parameters: tenant.</summary>
    public const string Categories = $"""
        SELECT DISTINCT category FROM {Source} WHERE tenant_id = $tenant AND category IS NOT NULL ORDER BY category
        """;

    /// <summary>The tenant's brands, optionally within one category. Parameters: tenant, category (nullable).</summary>
    public const string Brands = $"""
        SELECT DISTINCT brand FROM {Source}
        WHERE tenant_id = $tenant AND brand IS NOT NULL AND ($category IS NULL OR category = $category)
        ORDER BY brand
        """;

    /// <summary>Rows in the tenant's lake. Parameters: tenant.</summary>
    public const string CountRows = $"""
        SELECT COUNT(*) FROM {Source} WHERE tenant_id = $tenant
        """;
}
