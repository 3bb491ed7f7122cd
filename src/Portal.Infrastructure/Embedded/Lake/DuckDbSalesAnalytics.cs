using System.Data.Common;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Lake;

/// <summary>
/// The analytics catalogue run in process by DuckDB over the Parquet lake written by <see cref="ParquetSalesLake"/>.
/// One private in-memory DuckDB database lives as long as this object (configured once, with the Parquet footer cache on);
/// each query runs on its own connection to it, so the class is safe for concurrent use. Dispose it to free the database.
/// The tenant reaches the SQL text only as a path segment, and only through <see cref="TenantId"/>, whose pattern
/// (<c>[a-z0-9][a-z0-9-]*</c>) cannot express quotes, slashes or dots; every other value is a bound parameter.
/// </summary>
public sealed partial class DuckDbSalesAnalytics(LakeOptions options, TimeProvider timeProvider, ILogger<DuckDbSalesAnalytics>? logger = null)
    : ISalesAnalytics, IDisposable
{
    private static readonly Dictionary<string, object?> NoParameters = [];
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly Lock _rootLock = new();
    private DuckDBConnection? _root;
    private bool _disposed;

    public async Task<IReadOnlyList<MonthlyTrendRow>> MonthlyTrendAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        var rows = new List<MonthlyTrendRow>();
        await QueryAsync(tenant, SalesQueryCatalogue.MonthlyTrend, SalesQueryCatalogue.FilterParameters(filter),
            reader => rows.Add(new MonthlyTrendRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetDouble(3), reader.GetInt64(4))),
            cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<BrandPerformanceRow>> BrandPerformanceAsync(
        TenantId tenant, AnalyticsFilter filter, DateTimeOffset asOf, int lookbackDays, int minSales, CancellationToken cancellationToken)
    {
        var parameters = SalesQueryCatalogue.BrandPerformanceParameters(filter, asOf, lookbackDays, minSales);
        var rows = new List<BrandPerformanceRow>();
        await QueryAsync(tenant, SalesQueryCatalogue.BrandPerformance, parameters,
            reader => rows.Add(new BrandPerformanceRow(reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetInt64(3))),
            cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<SeasonalIndexRow>> SeasonalIndexAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        var rows = new List<SeasonalIndexRow>();
        await QueryAsync(tenant, SalesQueryCatalogue.SeasonalIndex, SalesQueryCatalogue.FilterParameters(filter),
            reader => rows.Add(new SeasonalIndexRow(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), reader.GetInt64(3))),
            cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<string>> CategoriesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        await QueryAsync(tenant, SalesQueryCatalogue.Categories, NoParameters, reader => rows.Add(reader.GetString(0)), cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<string>> BrandsAsync(TenantId tenant, string? category, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        await QueryAsync(tenant, SalesQueryCatalogue.Brands, new Dictionary<string, object?> { ["category"] = SalesQueryCatalogue.Blank(category) }, reader => rows.Add(reader.GetString(0)), cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<PriceHistogramBin>> PriceHistogramAsync(TenantId tenant, AnalyticsFilter filter, int bins, CancellationToken cancellationToken)
    {
        SalesQueryCatalogue.ValidateBins(bins);
        var parameters = SalesQueryCatalogue.FilterParameters(filter);
        parameters["bins"] = bins;
        double lo = 0, hi = 0;
        var counts = new Dictionary<int, long>();
        await QueryAsync(tenant, SalesQueryCatalogue.PriceHistogram, parameters,
            reader =>
            {
                lo = reader.GetDouble(0);
                hi = reader.GetDouble(1);
                counts[reader.GetInt32(2)] = reader.GetInt64(3);
            },
            cancellationToken);
        return SalesQueryCatalogue.BuildHistogram(lo, hi, counts, bins);
    }

    public async Task<long> CountRowsAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        long count = 0;
        await QueryAsync(tenant, SalesQueryCatalogue.CountRows, NoParameters, reader => count = reader.GetInt64(0), cancellationToken);
        return count;
    }

    /// <summary>The tenant's relation, or null when the tenant has no lake files yet.</summary>
    internal string? SourceFor(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }

        // Re-validate: the id becomes part of a path inside SQL text.
        var validated = new TenantId(tenant.Value);
        var folder = ParquetSalesLake.TenantFolder(options.RootDirectory, validated.Value);
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return null;
        }

        var glob = (folder.Replace('\\', '/') + "/**/*.parquet").Replace("'", "''", StringComparison.Ordinal);
        return $"read_parquet('{glob}', hive_partitioning = true, " +
               "hive_types = {'tenant_id': VARCHAR, 'year': INTEGER, 'month': INTEGER})";
    }

    private async Task QueryAsync(
        TenantId tenant, string template, IReadOnlyDictionary<string, object?> parameters, Action<DbDataReader> onRow, CancellationToken cancellationToken)
    {
        var source = SourceFor(tenant);
        if (source is null)
        {
            return;
        }

        var started = timeProvider.GetTimestamp();
        await using var connection = OpenConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var query = SalesQueryDialect.DuckDb.Render(template, source);
        command.CommandText = query.Sql;
        var values = new Dictionary<string, object?>(parameters, StringComparer.Ordinal) { ["tenant"] = tenant.Value };
        foreach (var (name, value) in SalesQueryDialect.Bind(query, values))
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            onRow(reader);
        }

        LogQuery(_logger, tenant.Value, timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Lake query for {TenantId} took {ElapsedMs:F1} ms")]
    private static partial void LogQuery(ILogger logger, string tenantId, double elapsedMs);

    public void Dispose()
    {
        lock (_rootLock)
        {
            _disposed = true;
            _root?.Dispose();
            _root = null;
        }
    }

    /// <summary>A new (closed) connection to this instance's database, which is created and configured on first use.</summary>
    private DuckDBConnection OpenConnection()
    {
        lock (_rootLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_root is null)
            {
                var root = new DuckDBConnection("DataSource=:memory:");
                try
                {
                    root.Open();
                    using var setup = root.CreateCommand();
                    setup.CommandText =
                        "SET GLOBAL autoinstall_known_extensions = false; SET GLOBAL autoload_known_extensions = false; " +
                        "SET GLOBAL parquet_metadata_cache = true;";
                    setup.ExecuteNonQuery();
                }
                catch
                {
                    root.Dispose();
                    throw;
                }

                _root = root;
            }

            return _root.Duplicate();
        }
    }
}
