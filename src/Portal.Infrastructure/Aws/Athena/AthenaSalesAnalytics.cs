using Microsoft.Extensions.Options;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Aws.Athena;

/// <summary>
/// The analytics catalogue (<see cref="SalesQueryCatalogue"/>) run by Athena over the lake's <c>sales_history</c> table,
/// rendered in Athena's dialect. The tenant is always a bound parameter, and <c>tenant_id = ?</c> is also what lets partition
/// projection read only that tenant's prefix; every other value is a bound parameter too.
/// </summary>
public sealed class AthenaSalesAnalytics(AthenaClient client, IOptions<AthenaOptions> options) : ISalesAnalytics
{
    private static readonly Dictionary<string, object?> NoParameters = [];

    public async Task<IReadOnlyList<MonthlyTrendRow>> MonthlyTrendAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        var result = await QueryAsync(tenant, SalesQueryCatalogue.MonthlyTrend, SalesQueryCatalogue.FilterParameters(filter), cancellationToken);
        return result.Rows.Select(r => new MonthlyTrendRow(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetDouble(3), r.GetInt64(4))).ToList();
    }

    public async Task<IReadOnlyList<BrandPerformanceRow>> BrandPerformanceAsync(
        TenantId tenant, AnalyticsFilter filter, DateTimeOffset asOf, int lookbackDays, int minSales, CancellationToken cancellationToken)
    {
        var parameters = SalesQueryCatalogue.BrandPerformanceParameters(filter, asOf, lookbackDays, minSales);
        var result = await QueryAsync(tenant, SalesQueryCatalogue.BrandPerformance, parameters, cancellationToken);
        return result.Rows.Select(r => new BrandPerformanceRow(r.GetString(0), r.GetDouble(1), r.GetDouble(2), r.GetInt64(3))).ToList();
    }

    public async Task<IReadOnlyList<SeasonalIndexRow>> SeasonalIndexAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        var result = await QueryAsync(tenant, SalesQueryCatalogue.SeasonalIndex, SalesQueryCatalogue.FilterParameters(filter), cancellationToken);
        return result.Rows.Select(r => new SeasonalIndexRow(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetInt64(3))).ToList();
    }

    public async Task<IReadOnlyList<PriceHistogramBin>> PriceHistogramAsync(TenantId tenant, AnalyticsFilter filter, int bins, CancellationToken cancellationToken)
    {
        SalesQueryCatalogue.ValidateBins(bins);
        var parameters = SalesQueryCatalogue.FilterParameters(filter);
        parameters["bins"] = bins;
        var result = await QueryAsync(tenant, SalesQueryCatalogue.PriceHistogram, parameters, cancellationToken);
        double lo = 0, hi = 0;
        var counts = new Dictionary<int, long>();
        foreach (var row in result.Rows)
        {
            lo = row.GetDouble(0);
            hi = row.GetDouble(1);
            counts[row.GetInt32(2)] = row.GetInt64(3);
        }

        return SalesQueryCatalogue.BuildHistogram(lo, hi, counts, bins);
    }

    public async Task<IReadOnlyList<string>> CategoriesAsync(TenantId tenant, CancellationToken cancellationToken) =>
        (await QueryAsync(tenant, SalesQueryCatalogue.Categories, NoParameters, cancellationToken)).Rows.Select(r => r.GetString(0)).ToList();

    public async Task<IReadOnlyList<string>> BrandsAsync(TenantId tenant, string? category, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?> { ["category"] = SalesQueryCatalogue.Blank(category) };
        return (await QueryAsync(tenant, SalesQueryCatalogue.Brands, parameters, cancellationToken)).Rows.Select(r => r.GetString(0)).ToList();
    }

    public async Task<long> CountRowsAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var result = await QueryAsync(tenant, SalesQueryCatalogue.CountRows, NoParameters, cancellationToken);
        return result.Rows.Count == 0 ? 0 : result.Rows[0].GetInt64(0);
    }

    /// <summary>The catalogue table, from validated configuration (lower-case letters, digits and underscores).</summary>
    internal string Source => $"{SalesQueryDialect.QuoteIdentifier(options.Value.Database)}.{SalesQueryDialect.QuoteIdentifier(options.Value.Table)}";

    private Task<AthenaResultSet> QueryAsync(TenantId tenant, string template, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }

        var query = SalesQueryDialect.Athena.Render(template, Source);
        var values = new Dictionary<string, object?>(parameters, StringComparer.Ordinal) { ["tenant"] = tenant.Value };
        return client.ExecuteAsync(query.Sql, SalesQueryDialect.Bind(query, values).Select(p => p.Value).ToList(), cancellationToken);
    }
}
