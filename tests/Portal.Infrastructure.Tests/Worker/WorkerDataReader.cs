using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using Portal.Infrastructure.Embedded.Lake;

namespace Portal.Infrastructure.Tests.Worker;

/// <summary>What the store holds for the tenant, read through a read-only connection while the worker may be writing.</summary>
internal sealed record StoreSnapshot(long Sales, long DistinctSales, long OutboxPending, long OutboxDrained, long Parked, long DeadLetters, long ProductsSold)
{
    public static readonly StoreSnapshot Empty = new(0, 0, 0, 0, 0, 0, 0);

    public override string ToString() =>
        $"sales {Sales} ({DistinctSales} distinct), outbox {OutboxPending} pending / {OutboxDrained} drained, parked {Parked}, dead letters {DeadLetters}, products sold {ProductsSold}";
}

/// <summary>The lake's rows for the tenant, read with DuckDB from the Parquet files the lake writer renamed into place.</summary>
internal sealed record LakeSnapshot(long Rows, long DistinctSaleIds, long RowsWithoutEmbedding, IReadOnlyList<string> SaleIds, IReadOnlyList<string> DuplicatedSaleIds);

/// <summary>Reads a worker's data folder (<c>sales.db</c>, <c>lake/</c>) without taking part in its writes.</summary>
internal sealed class WorkerDataReader(string dataDirectory, string tenant)
{
    private string DatabasePath => Path.Combine(dataDirectory, "sales.db");

    private string TableFolder => Path.Combine(dataDirectory, "lake", ParquetSalesLake.TableFolder, $"tenant_id={tenant}");

    public async Task<StoreSnapshot> ReadStoreAsync()
    {
        if (!File.Exists(DatabasePath))
        {
            return StoreSnapshot.Empty;
        }

        // Read-only and unpooled: the test never writes, never holds the file between polls, and WAL readers do not block the writer.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        try
        {
            var (sales, distinct) = await PairAsync(connection, "SELECT COUNT(*), COUNT(DISTINCT sale_id) FROM sales WHERE tenant_id = $tenant;");
            var (pending, drained) = await PairAsync(connection,
                "SELECT COUNT(*) FILTER (WHERE drained_at_ms IS NULL), COUNT(*) FILTER (WHERE drained_at_ms IS NOT NULL) FROM sales_outbox WHERE tenant_id = $tenant;");
            var parked = await ScalarOrZeroAsync(connection, "SELECT COUNT(*) FROM parked_events;");
            var deadLetters = await ScalarOrZeroAsync(connection, "SELECT COUNT(*) FROM dead_letters;");
            var sold = await ScalarOrZeroAsync(connection, "SELECT COUNT(*) FROM product_states WHERE tenant_id = $tenant AND status = 'Sold';");
            return new StoreSnapshot(sales, distinct, pending, drained, parked, deadLetters, sold);
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // The worker has not created its schema yet.
            return StoreSnapshot.Empty;
        }
    }

    /// <summary>Each dead letter as "category: reason", for failure messages.</summary>
    public async Task<IReadOnlyList<string>> ReadDeadLettersAsync()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT category, COALESCE(event_id, '?'), reason FROM dead_letters ORDER BY id LIMIT 50;";
        var letters = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                letters.Add($"{reader.GetString(0)} {reader.GetString(1)}: {reader.GetString(2)}");
            }
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // The dead-letter store creates its table with its first letter.
        }

        return letters;
    }

    public async Task<LakeSnapshot> ReadLakeAsync()
    {
        if (!Directory.Exists(TableFolder) || !Directory.EnumerateFiles(TableFolder, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return new LakeSnapshot(0, 0, 0, [], []);
        }

        var files = Path.Combine(TableFolder, "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT sale_id, embedding IS NULL FROM read_parquet('{files}', hive_partitioning = false);";
        var saleIds = new List<string>();
        var withoutEmbedding = 0L;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                saleIds.Add(reader.GetString(0));
                withoutEmbedding += reader.GetBoolean(1) ? 1 : 0;
            }
        }

        var duplicated = saleIds.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        return new LakeSnapshot(saleIds.Count, saleIds.Distinct(StringComparer.Ordinal).Count(), withoutEmbedding, saleIds, duplicated);
    }

    private async Task<(long, long)> PairAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenant);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<long> ScalarOrZeroAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenant);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // This store's schema is created on its first use.
            return 0;
        }
    }
}
