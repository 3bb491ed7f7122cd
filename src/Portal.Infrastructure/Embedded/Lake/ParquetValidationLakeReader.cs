using System.Globalization;
using DuckDB.NET.Data;
using Portal.Core.Validation;

namespace Portal.Infrastructure.Embedded.Lake;

/// <summary>Reads the local <c>sales_history</c> folder with DuckDB for validation and repair: per-partition counts and a partition's sale ids.</summary>
public sealed class ParquetValidationLakeReader(string lakeRoot) : IValidationLakeReader
{

    /// <summary>Rows per partition sold at or after <paramref name="liveFrom"/> (older rows have expired in the store).</summary>
    public async Task<IReadOnlyList<LakePartitionCount>> CountPartitionsAsync(DateTimeOffset liveFrom, CancellationToken cancellationToken)
    {
        var table = Path.Combine(Path.GetFullPath(lakeRoot), ParquetSalesLake.TableFolder);
        if (!Directory.Exists(table) || !Directory.EnumerateFiles(table, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return [];
        }

        var glob = Quote(table.Replace('\\', '/') + "/*/*/*/*.parquet");
        var sql = $"""
            SELECT tenant_id, year, month, COUNT(*) AS row_count, COUNT(DISTINCT sale_id) AS distinct_sales
            FROM read_parquet('{glob}', hive_partitioning = true, hive_types = {"{'tenant_id': VARCHAR, 'year': INTEGER, 'month': INTEGER}"})
            WHERE sold_date >= $live_from
            GROUP BY tenant_id, year, month
            """;
        var counts = new List<LakePartitionCount>();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("live_from", DateTime.SpecifyKind(liveFrom.UtcDateTime, DateTimeKind.Unspecified)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A folder that is not a valid tenant id was not written by the portal: it cannot be matched with the store.
            if (!TenantId.TryParse(reader.GetString(0), out var tenant))
            {
                continue;
            }

            counts.Add(new LakePartitionCount(new SalesPartition(tenant, reader.GetInt32(1), reader.GetInt32(2)), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return counts;
    }

    /// <summary>Every sale id present in a partition's files (whatever its age: a row that is there must not be written again).</summary>
    public async Task<HashSet<string>> SaleIdsAsync(SalesPartition partition, CancellationToken cancellationToken)
    {
        var folder = ParquetSalesLake.PartitionFolder(lakeRoot, new TenantId(partition.Tenant.Value).Value, partition.Year, partition.Month);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.parquet").Any())
        {
            return ids;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT sale_id FROM read_parquet('{Quote(folder.Replace('\\', '/') + "/*.parquet")}')";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var setup = connection.CreateCommand();
            setup.CommandText = "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;";
            await setup.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Paths come from configuration and validated tenant ids; quotes are still doubled so a path cannot end the literal.</summary>
    private static string Quote(string path) => path.Replace("'", "''", StringComparison.Ordinal);

    public static string YearMonth(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}");
}
