using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The outbox half of the sales store (<c>sales_outbox</c>): one row per new sale, written in the sale's transaction.
/// A drain claims rows by setting <c>batch_id</c> (the first row's id) before the lake is written, so the batch — and the
/// lake files named after it — stays the same if the process dies before <see cref="MarkDrainedAsync"/>.
/// </summary>
public sealed partial class SqliteSalesStore
{
    private static readonly string[] OutboxMigration =
    [
        """
        CREATE TABLE sales_outbox (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id      TEXT    NOT NULL,
            sale_id        TEXT    NOT NULL,
            enqueued_at_ms INTEGER NOT NULL,
            batch_id       INTEGER NULL,
            drained_at_ms  INTEGER NULL
        );
        """,
        "CREATE INDEX ix_sales_outbox_pending ON sales_outbox (drained_at_ms, batch_id, id);",
    ];

    private static readonly string OutboxSelectColumns = string.Join(", ", SelectColumns.Split(", ").Select(c => "s." + c));

    public Task<IReadOnlyList<bool>> AddSalesWithOutboxAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sales);
        return AddSalesWithPhotosAsync([.. sales.Select(s => new SaleWithPhotos(s.Sale, s.Embedding))], cancellationToken);
    }

    /// <summary>The sales, an outbox row for each new one and each new sale's further photos (<c>sale_images</c>), in ONE transaction.</summary>
    public async Task<IReadOnlyList<bool>> AddSalesWithPhotosAsync(IReadOnlyList<SaleWithPhotos> sales, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sales);
        foreach (var entry in sales)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(sales));
            SaleRecord.ThrowIfInvalid(entry.Sale, entry.Embedding);
            entry.Validate();
        }

        if (sales.Count == 0)
        {
            return [];
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertSql;
        var parameters = InsertParameters.AddTo(insert);
        insert.Prepare();

        await using var outbox = connection.CreateCommand();
        outbox.Transaction = transaction;
        outbox.CommandText = "INSERT INTO sales_outbox (tenant_id, sale_id, enqueued_at_ms) VALUES ($tenant, $sale_id, $now);";
        var tenantParameter = outbox.Parameters.Add(new SqliteParameter("$tenant", DBNull.Value));
        var saleParameter = outbox.Parameters.Add(new SqliteParameter("$sale_id", DBNull.Value));
        outbox.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        outbox.Prepare();

        await using var photos = SalePhotoInsert(connection, transaction);

        var writtenAt = WriteStamp();
        var added = new bool[sales.Count];
        for (var i = 0; i < sales.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = sales[i];
            var sale = entry.Sale;
            parameters.Bind(sale, entry.Embedding, TtlOf(sale), writtenAt);
            if (insert.ExecuteNonQuery() == 1)
            {
                tenantParameter.Value = sale.Tenant.Value;
                saleParameter.Value = sale.SaleId;
                outbox.ExecuteNonQuery();
                InsertSalePhotos(photos, sale, entry.MorePhotos);
                added[i] = true;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    public async Task<OutboxBatch?> ClaimBatchAsync(int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        // A batch claimed before a crash is finished first, under its own id, so its lake files are rewritten, not doubled.
        var batchId = await ScalarAsync(connection, transaction,
            "SELECT MIN(batch_id) FROM sales_outbox WHERE batch_id IS NOT NULL AND drained_at_ms IS NULL;", null, cancellationToken);
        if (batchId is null)
        {
            var range = await ReadRangeAsync(connection, transaction, maxRows, cancellationToken);
            if (range is null)
            {
                await transaction.CommitAsync(cancellationToken);
                return null;
            }

            batchId = range.Value.First;
            await using var claim = connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText = "UPDATE sales_outbox SET batch_id = $batch WHERE batch_id IS NULL AND drained_at_ms IS NULL AND id BETWEEN $first AND $last;";
            claim.Parameters.AddWithValue("$batch", batchId.Value);
            claim.Parameters.AddWithValue("$first", range.Value.First);
            claim.Parameters.AddWithValue("$last", range.Value.Last);
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }

        var rows = new List<LakeRow>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText =
                $"SELECT {OutboxSelectColumns} FROM sales_outbox o JOIN sales s ON s.tenant_id = o.tenant_id AND s.sale_id = o.sale_id " +
                "WHERE o.batch_id = $batch ORDER BY o.id;";
            read.Parameters.AddWithValue("$batch", batchId.Value);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var sale = ReadSale(reader);
                rows.Add(new LakeRow(sale, ReadEmbedding(reader, sale)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new OutboxBatch(batchId.Value, rows);
    }

    public async Task MarkDrainedAsync(long batchId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE sales_outbox SET drained_at_ms = $now WHERE batch_id = $batch AND drained_at_ms IS NULL;";
        command.Parameters.AddWithValue("$batch", batchId);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MIN(enqueued_at_ms) FROM sales_outbox WHERE drained_at_ms IS NULL;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var pending = reader.GetInt64(0);
        DateTimeOffset? oldest = reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        return new OutboxStatus(pending, oldest);
    }

    /// <summary>Deletes drained outbox rows older than <paramref name="olderThan"/>; returns how many.</summary>
    public async Task<int> PurgeDrainedOutboxAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sales_outbox WHERE drained_at_ms IS NOT NULL AND drained_at_ms < $before;";
        command.Parameters.AddWithValue("$before", _timeProvider.GetUtcNow().Subtract(olderThan).ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<(long First, long Last)?> ReadRangeAsync(SqliteConnection connection, SqliteTransaction transaction, int maxRows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "SELECT MIN(id), MAX(id) FROM (SELECT id FROM sales_outbox WHERE drained_at_ms IS NULL AND batch_id IS NULL ORDER BY id LIMIT $limit);";
        command.Parameters.AddWithValue("$limit", maxRows);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
        {
            return null;
        }

        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<long?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, long? parameter, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (parameter is { } value)
        {
            command.Parameters.AddWithValue("$p", value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? null : Convert.ToInt64(result, CultureInfo.InvariantCulture);
    }
}
