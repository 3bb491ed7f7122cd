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

    /// <summary>The seed's "monthly sales trends": per month and category of one year. Parameters: tenant, year, category (nullable).</summary>
    public const string MonthlyTrend = $"""
        SELECT CAST(month AS INTEGER) AS sale_month,
               category,
               AVG(sold_price) AS avg_price,
               COUNT(*) AS sale_count
        FROM {Source}
        WHERE tenant_id = $tenant
          AND year = $year
          AND ($category IS NULL OR category = $category)
        GROUP BY month, category
        ORDER BY sale_month, avg_price DESC, category
        """;

    /// <summary>
    /// The seed's "brand performance": brands sold at least <c>$min_sales</c> times in <c>[$from, $to]</c>, dearest first.
    /// Parameters: tenant, from, to (timestamps), from_ym, to_ym (yyyymm, for partition pruning), min_sales, category (nullable).
    /// </summary>
    public const string BrandPerformance = $"""
        SELECT brand,
               AVG(sold_price) AS avg_price,
               quantile_cont(sold_price, 0.5) AS median_price,
               COUNT(*) AS total_sales
        FROM {Source}
        WHERE tenant_id = $tenant
          AND year * 100 + month BETWEEN $from_ym AND $to_ym
          AND sold_date >= $from AND sold_date <= $to
          AND brand IS NOT NULL
          AND ($category IS NULL OR category = $category)
        GROUP BY brand
        HAVING COUNT(*) >= $min_sales
        ORDER BY avg_price DESC, brand
        """;

    /// <summary>Seasonal index: a category's average price in a quarter over its average price overall. Parameters: tenant, category (nullable).</summary>
    public const string SeasonalIndex = $"""
        WITH base AS (
            SELECT category, season, sold_price
            FROM {Source}
            WHERE tenant_id = $tenant
              AND ($category IS NULL OR category = $category)
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
    /// in the last bin). Empty bins are absent. Parameters: tenant, bins, category (nullable).
    /// </summary>
    public const string PriceHistogram = $"""
        WITH base AS (
            SELECT sold_price
            FROM {Source}
            WHERE tenant_id = $tenant
              AND ($category IS NULL OR category = $category)
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

    /// <summary>Rows in the tenant's lake. Parameters: tenant.</summary>
    public const string CountRows = $"""
        SELECT COUNT(*) FROM {Source} WHERE tenant_id = $tenant
        """;
}
