using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Core.Validation;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// Read-only access to the sales store's <c>sales</c> table for validation and repair. It applies the store's own liveness rule
/// (<c>ttl &gt; now</c>) and never creates or changes the table (that is <see cref="SqliteSalesStore"/>'s job).
/// </summary>
public sealed class SqliteValidationStoreReader : IValidationStoreReader
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteValidationStoreReader(string databasePath, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _database = new SqliteDatabase(databasePath, SqliteDatabase.DefaultBusyTimeout, (_, _, _) => Task.CompletedTask);
    }

    /// <summary>Live rows per (tenant, "yyyy-MM").</summary>
    public async Task<Dictionary<(string Tenant, string YearMonth), long>> CountPartitionsAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<(string, string), long>();
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (!await HasSalesTableAsync(connection, cancellationToken))
        {
            return counts;
        }

        await using var command = connection.CreateCommand();
        // sold_at is fixed-width ISO-8601 UTC, so its first seven characters are the partition's year and month.
        command.CommandText = "SELECT tenant_id, substr(sold_at, 1, 7) AS ym, COUNT(*) FROM sales WHERE ttl > $now GROUP BY tenant_id, ym;";
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return counts;
    }

    /// <summary>Streams every live row once (no ordering: the validation aggregates per partition).</summary>
    public async Task ScanAsync(StoreScanRowHandler onRow, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (!await HasSalesTableAsync(connection, cancellationToken))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT tenant_id, substr(sold_at, 1, 7), sale_id, category, CAST(sold_price AS REAL), currency, embedding_model, embedding_dim, embedding " +
            "FROM sales WHERE ttl > $now;";
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if ((++rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var hasEmbedding = !reader.IsDBNull(8);
            onRow(new StoreScanRow
            {
                Tenant = reader.GetString(0),
                YearMonth = reader.GetString(1),
                SaleId = reader.GetString(2),
                Category = reader.GetString(3),
                Price = reader.GetDouble(4),
                Currency = reader.GetString(5),
                Model = reader.IsDBNull(6) ? null : reader.GetString(6),
                Dimension = reader.IsDBNull(7) ? 0 : reader.GetInt64(7),
                Embedding = hasEmbedding ? reader.GetFieldValue<byte[]>(8) : default,
                HasEmbedding = hasEmbedding,
            });
        }
    }

    /// <summary>The live sales of one partition with their embeddings, restricted to <paramref name="saleIds"/>.</summary>
    public async Task<List<(SaleRecord Sale, StoredEmbedding? Embedding)>> ReadPartitionAsync(
        SalesPartition partition, IReadOnlySet<string> saleIds, CancellationToken cancellationToken)
    {
        var rows = new List<(SaleRecord, StoredEmbedding?)>();
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (saleIds.Count == 0 || !await HasSalesTableAsync(connection, cancellationToken))
        {
            return rows;
        }

        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {SqliteSalesStore.SelectColumns} FROM sales " +
            "WHERE tenant_id = $tenant AND sold_at_ms >= $from AND sold_at_ms < $to AND ttl > $now ORDER BY sold_at_ms, sale_id;";
        AddLivePartitionParameters(command, partition);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!saleIds.Contains(reader.GetString(2)))
            {
                continue;
            }

            var sale = SqliteSalesStore.ReadSale(reader);
            StoredEmbedding? embedding = null;
            if (!reader.IsDBNull(13))
            {
                // An undecodable vector is written without it rather than blocking the repair; the validation reports it.
                EmbeddingCodec.TryDecode(reader.IsDBNull(14) ? null : reader.GetString(14), reader.IsDBNull(15) ? 0 : reader.GetInt64(15),
                    reader.GetFieldValue<byte[]>(13), out embedding);
            }

            rows.Add((sale, embedding));
        }

        return rows;
    }

    /// <summary>The live sale ids of one partition.</summary>
    public async Task<List<string>> SaleIdsAsync(SalesPartition partition, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (!await HasSalesTableAsync(connection, cancellationToken))
        {
            return ids;
        }

        // A sale whose outbox row is not drained yet is on its way to the lake: the lake writer will write it, so a repair
        // that wrote it too would double the row.
        var awaitingOutbox = await HasTableAsync(connection, "sales_outbox", cancellationToken)
            ? " AND NOT EXISTS (SELECT 1 FROM sales_outbox o WHERE o.tenant_id = sales.tenant_id AND o.sale_id = sales.sale_id AND o.drained_at_ms IS NULL)"
            : string.Empty;
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT sale_id FROM sales WHERE tenant_id = $tenant AND sold_at_ms >= $from AND sold_at_ms < $to AND ttl > $now" + awaitingOutbox +
            " ORDER BY sold_at_ms, sale_id;";
        AddLivePartitionParameters(command, partition);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public void Dispose() => _database.Dispose();

    private long NowSeconds() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Binds <c>$tenant</c>, <c>$from</c>, <c>$to</c> (the partition's month) and <c>$now</c> (live rows only).</summary>
    private void AddLivePartitionParameters(SqliteCommand command, SalesPartition partition)
    {
        var start = new DateTimeOffset(partition.Year, partition.Month, 1, 0, 0, 0, TimeSpan.Zero);
        command.Parameters.AddWithValue("$tenant", partition.Tenant.Value);
        command.Parameters.AddWithValue("$from", start.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", start.AddMonths(1).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$now", NowSeconds());
    }

    private static Task<bool> HasSalesTableAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        HasTableAsync(connection, "sales", cancellationToken);

    private static async Task<bool> HasTableAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name);";
        command.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }
}
