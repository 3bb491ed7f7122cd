
namespace Portal.Infrastructure.Formats;

/// <summary>
/// The analytics query catalogue over <c>sales_history</c>, each query written once and rendered for an engine by
/// <see cref="SalesQueryDialect"/> (DuckDB in process, Athena in production). Three things differ between the engines and are
/// written as tokens here: <see cref="Source"/> (the tenant's relation: a <c>read_parquet</c> over that tenant's folder for
/// DuckDB, the catalogue table for Athena), <see cref="Median"/> (an exact median in DuckDB, <c>approx_percentile</c> in
/// Athena) and the parameters (<c>$name</c>, bound by name in DuckDB, positional <c>?</c> in Athena). Everything else is SQL
/// both engines read the same way. Partition columns (<c>tenant_id</c>, <c>year</c>, <c>month</c>) come from the folder names,
/// and filters on them prune whole files (DuckDB) or whole partitions (Athena's partition projection).
/// </summary>
public static class SalesQueryCatalogue
{
    /// <summary>Placeholder for the tenant's <c>sales_history</c> relation.</summary>
    public const string Source = "{sales_history}";

    /// <summary>Placeholder for the median of <c>sold_price</c>.</summary>
    public const string Median = "{median(sold_price)}";

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
               {Median} AS median_price,
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
    /// in the last bin). Empty bins are absent. Parameters: <see cref="Filter"/>'s, bins. Grouped by ordinal (both engines
    /// accept it; DuckDB's <c>GROUP BY ALL</c> means something else to Athena).
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
        GROUP BY 1, 2, 3
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

    /// <summary>Lower bound bound when the filter has no <c>From</c>: before any sale the lake can hold.</summary>
    private static readonly DateTime EarliestTime = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Upper bound bound when the filter has no <c>To</c>.</summary>
    private static readonly DateTime LatestTime = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>
    /// The values of <see cref="Filter"/>'s parameters (UTC wall times as unspecified-kind <see cref="DateTime"/>s, since
    /// <c>sold_date</c> is a plain TIMESTAMP). <paramref name="notBefore"/>/<paramref name="notAfter"/> (inclusive) only narrow
    /// the partitions scanned; the query states the matching row condition itself.
    /// </summary>
    public static Dictionary<string, object?> FilterParameters(AnalyticsFilter filter, DateTime? notBefore = null, DateTime? notAfter = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var from = filter.From is { } f ? Unspecified(f.UtcDateTime) : EarliestTime;
        var to = filter.To is { } t ? Unspecified(t.UtcDateTime) : LatestTime;
        if (to < from)
        {
            throw new ArgumentException($"The range ends ({filter.To:O}) before it starts ({filter.From:O}).", nameof(filter));
        }

        var firstIncluded = notBefore is { } nb && nb > from ? nb : from;
        var lastIncluded = filter.To is null ? to : to.AddTicks(-1);
        if (notAfter is { } na && na < lastIncluded)
        {
            lastIncluded = na;
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["from"] = from,
            ["to"] = to,
            ["from_ym"] = YearMonth(firstIncluded),
            ["to_ym"] = YearMonth(lastIncluded),
            ["category"] = Blank(filter.Category),
            ["brand"] = Blank(filter.Brand),
        };
    }

    /// <summary>The parameters of <see cref="BrandPerformance"/>: the filter's, narrowed to the window, plus the window and the minimum.</summary>
    public static Dictionary<string, object?> BrandPerformanceParameters(AnalyticsFilter filter, DateTimeOffset asOf, int lookbackDays, int minSales)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lookbackDays);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minSales);
        var to = Unspecified(asOf.UtcDateTime);
        var from = to.AddDays(-lookbackDays);
        var parameters = FilterParameters(filter, from, to);
        parameters["window_from"] = from;
        parameters["window_to"] = to;
        parameters["min_sales"] = (long)minSales;
        return parameters;
    }

    /// <summary>Checks a histogram's bin count before anything is queried.</summary>
    public static void ValidateBins(int bins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, 10_000);
    }

    /// <summary>Turns <see cref="PriceHistogram"/>'s sparse rows (bin → count, with the bounds) into <paramref name="bins"/> bins.</summary>
    public static IReadOnlyList<PriceHistogramBin> BuildHistogram(double lo, double hi, IReadOnlyDictionary<int, long> counts, int bins)
    {
        if (counts.Count == 0)
        {
            return [];
        }

        if (hi <= lo)
        {
            return [new PriceHistogramBin(lo, hi, counts.Values.Sum())];
        }

        var width = (hi - lo) / bins;
        var result = new PriceHistogramBin[bins];
        for (var i = 0; i < bins; i++)
        {
            result[i] = new PriceHistogramBin(lo + i * width, i == bins - 1 ? hi : lo + (i + 1) * width, counts.GetValueOrDefault(i));
        }

        return result;
    }

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static int YearMonth(DateTime time) => time.Year * 100 + time.Month;

    private static DateTime Unspecified(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);
}
