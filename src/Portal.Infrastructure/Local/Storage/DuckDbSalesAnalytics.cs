using System.Data.Common;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;

namespace Portal.Infrastructure.Local.Storage;

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
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly Lock _rootLock = new();
    private DuckDBConnection? _root;
    private bool _disposed;

    public async Task<IReadOnlyList<MonthlyTrendRow>> MonthlyTrendAsync(TenantId tenant, int year, string? category, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        var rows = new List<MonthlyTrendRow>();
        await QueryAsync(tenant, SalesQueryCatalogue.MonthlyTrend,
            [P("year", year), P("category", category)],
            reader => rows.Add(new MonthlyTrendRow(reader.GetInt32(0), reader.GetString(1), reader.GetDouble(2), reader.GetInt64(3))),
            cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<BrandPerformanceRow>> BrandPerformanceAsync(
        TenantId tenant, DateTimeOffset asOf, int lookbackDays, int minSales, string? category, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lookbackDays);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minSales);
        var to = asOf.UtcDateTime;
        var from = to.AddDays(-lookbackDays);
        var rows = new List<BrandPerformanceRow>();
        await QueryAsync(tenant, SalesQueryCatalogue.BrandPerformance,
            [
                P("from", DateTime.SpecifyKind(from, DateTimeKind.Unspecified)),
                P("to", DateTime.SpecifyKind(to, DateTimeKind.Unspecified)),
                P("from_ym", from.Year * 100 + from.Month),
                P("to_ym", to.Year * 100 + to.Month),
                P("min_sales", (long)minSales),
                P("category", category),
            ],
            reader => rows.Add(new BrandPerformanceRow(reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetInt64(3))),
            cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<SeasonalIndexRow>> SeasonalIndexAsync(TenantId tenant, string? category, CancellationToken cancellationToken)
    {
        var rows = new List<SeasonalIndexRow>();
        await QueryAsync(tenant, SalesQueryCatalogue.SeasonalIndex,
            [P("category", category)],
            reader => rows.Add(new SeasonalIndexRow(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), reader.GetInt64(3))),
            cancellationToken);
        return rows;
    }

    public async Task<IReadOnlyList<PriceHistogramBin>> PriceHistogramAsync(TenantId tenant, string? category, int bins, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, 10_000);
        double lo = 0, hi = 0;
        var counts = new Dictionary<int, long>();
        await QueryAsync(tenant, SalesQueryCatalogue.PriceHistogram,
            [P("bins", bins), P("category", category)],
            reader =>
            {
                lo = reader.GetDouble(0);
                hi = reader.GetDouble(1);
                counts[reader.GetInt32(2)] = reader.GetInt64(3);
            },
            cancellationToken);

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

    public async Task<long> CountRowsAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        long count = 0;
        await QueryAsync(tenant, SalesQueryCatalogue.CountRows, [], reader => count = reader.GetInt64(0), cancellationToken);
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
        TenantId tenant, string sql, DuckDBParameter[] parameters, Action<DbDataReader> onRow, CancellationToken cancellationToken)
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
        command.CommandText = sql.Replace(SalesQueryCatalogue.Source, source, StringComparison.Ordinal);
        command.Parameters.Add(P("tenant", tenant.Value));
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
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

    private static DuckDBParameter P(string name, object? value) => new(name, value ?? DBNull.Value);
}
