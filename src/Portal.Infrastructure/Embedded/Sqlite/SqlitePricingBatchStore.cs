using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The embedded batch store: tables <c>pricing_batches</c> and <c>pricing_batch_rows</c> in the sales store's SQLite file,
/// created on first use. Every read is filtered by tenant. The lease, a row's outcome and a row's decision are single
/// conditional <c>UPDATE</c>s, so two processes on the file never price or decide a row twice.
/// </summary>
/// <remarks>Money is the invariant decimal text (exact, scale included); times are unix milliseconds.</remarks>
public sealed class SqlitePricingBatchStore : IPricingBatchStore, IDisposable
{
    private const string BatchColumns = "tenant_id, batch_id, created_by, created_at_ms, name, status, total_rows, completed_at_ms, lease_owner, lease_until_ms";

    private const string RowColumns =
        "line, image_name, image_key, category, condition, brand, title, status, error, price, range_low, range_high, currency, " +
        "confidence, fallback, comparables, embedding_model, priced_at_ms, decision_id";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS pricing_batches (
            tenant_id       TEXT    NOT NULL,
            batch_id        TEXT    NOT NULL,
            created_by      TEXT    NOT NULL,
            created_at_ms   INTEGER NOT NULL,
            name            TEXT    NOT NULL,
            status          TEXT    NOT NULL,
            total_rows      INTEGER NOT NULL,
            completed_at_ms INTEGER NULL,
            lease_owner     TEXT    NULL,
            lease_until_ms  INTEGER NULL,
            PRIMARY KEY (tenant_id, batch_id)
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_pricing_batches_tenant_time ON pricing_batches (tenant_id, created_at_ms DESC);",
        "CREATE INDEX IF NOT EXISTS ix_pricing_batches_unfinished ON pricing_batches (created_at_ms) WHERE status <> 'completed';",
        """
        CREATE TABLE IF NOT EXISTS pricing_batch_rows (
            tenant_id       TEXT    NOT NULL,
            batch_id        TEXT    NOT NULL,
            line            INTEGER NOT NULL,
            image_name      TEXT    NOT NULL,
            image_key       TEXT    NULL,
            category        TEXT    NOT NULL,
            condition       TEXT    NOT NULL,
            brand           TEXT    NULL,
            title           TEXT    NULL,
            status          TEXT    NOT NULL,
            error           TEXT    NULL,
            price           TEXT    NULL,
            range_low       TEXT    NULL,
            range_high      TEXT    NULL,
            currency        TEXT    NULL,
            confidence      REAL    NULL,
            fallback        TEXT    NULL,
            comparables     INTEGER NULL,
            embedding_model TEXT    NULL,
            priced_at_ms    INTEGER NULL,
            decision_id     TEXT    NULL,
            PRIMARY KEY (tenant_id, batch_id, line)
        );
        """,
    ];

    private readonly SqliteDatabase _database;

    public SqlitePricingBatchStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = new SqliteDatabase(databasePath, TimeSpan.FromSeconds(30),
            (connection, transaction, cancellationToken) => SqliteDatabase.ExecuteAllAsync(connection, transaction, Schema, cancellationToken));
    }

    public async Task CreateAsync(PricingBatch batch, IReadOnlyList<BatchRow> rows, CancellationToken cancellationToken)
    {
        BatchStoreRules.Validate(batch, rows);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO pricing_batches ({BatchColumns}) VALUES ($tenant, $id, $by, $at, $name, $status, $total, NULL, NULL, NULL);";
            insert.Parameters.AddWithValue("$tenant", batch.Tenant.Value);
            insert.Parameters.AddWithValue("$id", batch.BatchId);
            insert.Parameters.AddWithValue("$by", batch.CreatedBy);
            insert.Parameters.AddWithValue("$at", batch.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$name", batch.Name);
            insert.Parameters.AddWithValue("$status", BatchStoreRules.StatusText(batch.Status));
            insert.Parameters.AddWithValue("$total", rows.Count);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var row = connection.CreateCommand();
        row.Transaction = transaction;
        row.CommandText =
            $"INSERT INTO pricing_batch_rows (tenant_id, batch_id, {RowColumns}) VALUES ($tenant, $id, $line, $image_name, $image_key, $category, " +
            "$condition, $brand, $title, $status, $error, $price, $low, $high, $currency, $confidence, $fallback, $comparables, $model, $priced_at, $decision);";
        var p = row.Parameters;
        p.AddWithValue("$tenant", batch.Tenant.Value);
        p.AddWithValue("$id", batch.BatchId);
        foreach (var name in new[] { "$line", "$image_name", "$image_key", "$category", "$condition", "$brand", "$title", "$status", "$error", "$price", "$low", "$high", "$currency", "$confidence", "$fallback", "$comparables", "$model", "$priced_at", "$decision" })
        {
            p.Add(new SqliteParameter { ParameterName = name });
        }

        foreach (var r in rows)
        {
            p["$line"].Value = r.Line;
            p["$image_name"].Value = r.ImageName;
            p["$image_key"].Value = Db(r.ImageKey);
            p["$category"].Value = r.Category;
            p["$condition"].Value = r.Condition;
            p["$brand"].Value = Db(r.Brand);
            p["$title"].Value = Db(r.Title);
            p["$status"].Value = BatchStoreRules.RowStatusText(r.Status);
            p["$error"].Value = Db(r.Error);
            SetPrice(p, r.Price);
            p["$decision"].Value = Db(r.DecisionId);
            await row.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<PricingBatch?> GetAsync(TenantId tenant, string batchId, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        var found = await QueryBatchesAsync("WHERE tenant_id = $tenant AND batch_id = $id", cancellationToken, ("$tenant", tenant.Value), ("$id", batchId ?? string.Empty));
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<PricingBatch>> ListAsync(TenantId tenant, int limit, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryBatchesAsync("WHERE tenant_id = $tenant ORDER BY created_at_ms DESC, batch_id DESC LIMIT $limit", cancellationToken,
            ("$tenant", tenant.Value), ("$limit", limit));
    }

    public Task<IReadOnlyList<PricingBatch>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        QueryBatchesAsync("WHERE status <> 'completed' ORDER BY created_at_ms, batch_id", cancellationToken);

    public async Task<IReadOnlyList<BatchRow>> GetRowsAsync(TenantId tenant, string batchId, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RowColumns} FROM pricing_batch_rows WHERE tenant_id = $tenant AND batch_id = $id ORDER BY line;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$id", batchId ?? string.Empty);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<BatchRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    public async Task<bool> TryLeaseAsync(TenantId tenant, string batchId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return await ExecuteAsync(
            "UPDATE pricing_batches SET status = 'running', lease_owner = $owner, lease_until_ms = $until " +
            "WHERE tenant_id = $tenant AND batch_id = $id AND status <> 'completed' " +
            "AND (lease_owner IS NULL OR lease_owner = $owner OR lease_until_ms < $now);",
            cancellationToken, ("$tenant", tenant.Value), ("$id", batchId), ("$owner", owner), ("$until", until.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())) == 1;
    }

    public async Task ReleaseAsync(TenantId tenant, string batchId, string owner, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        await ExecuteAsync(
            "UPDATE pricing_batches SET status = 'queued', lease_owner = NULL, lease_until_ms = NULL " +
            "WHERE tenant_id = $tenant AND batch_id = $id AND lease_owner = $owner AND status <> 'completed';",
            cancellationToken, ("$tenant", tenant.Value), ("$id", batchId), ("$owner", owner));
    }

    public async Task<bool> SaveOutcomeAsync(TenantId tenant, string batchId, BatchRowOutcome outcome, CancellationToken cancellationToken)
    {
        BatchStoreRules.Validate(outcome);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE pricing_batch_rows SET status = $status, error = $error, price = $price, range_low = $low, range_high = $high, currency = $currency, " +
            "confidence = $confidence, fallback = $fallback, comparables = $comparables, embedding_model = $model, priced_at_ms = $priced_at " +
            "WHERE tenant_id = $tenant AND batch_id = $id AND line = $line AND status = 'pending';";
        var p = command.Parameters;
        p.AddWithValue("$tenant", tenant.Value);
        p.AddWithValue("$id", batchId);
        p.AddWithValue("$line", outcome.Line);
        p.AddWithValue("$status", BatchStoreRules.RowStatusText(outcome.Status));
        p.AddWithValue("$error", Db(outcome.Error));
        foreach (var name in new[] { "$price", "$low", "$high", "$currency", "$confidence", "$fallback", "$comparables", "$model", "$priced_at" })
        {
            p.Add(new SqliteParameter { ParameterName = name });
        }

        SetPrice(p, outcome.Price);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task CompleteAsync(TenantId tenant, string batchId, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        await ExecuteAsync(
            "UPDATE pricing_batches SET status = 'completed', completed_at_ms = $at, lease_owner = NULL, lease_until_ms = NULL " +
            "WHERE tenant_id = $tenant AND batch_id = $id AND status <> 'completed';",
            cancellationToken, ("$tenant", tenant.Value), ("$id", batchId), ("$at", completedAt.ToUnixTimeMilliseconds()));
    }

    public async Task<bool> SetDecisionAsync(TenantId tenant, string batchId, int line, string decisionId, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(decisionId);
        return await ExecuteAsync(
            "UPDATE pricing_batch_rows SET decision_id = $decision WHERE tenant_id = $tenant AND batch_id = $id AND line = $line AND decision_id IS NULL;",
            cancellationToken, ("$tenant", tenant.Value), ("$id", batchId), ("$line", line), ("$decision", decisionId)) == 1;
    }

    public void Dispose() => _database.Dispose();

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<PricingBatch>> QueryBatchesAsync(string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {BatchColumns} FROM pricing_batches {where};";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var batches = new List<PricingBatch>();
        while (await reader.ReadAsync(cancellationToken))
        {
            batches.Add(new PricingBatch
            {
                Tenant = new TenantId(reader.GetString(0)),
                BatchId = reader.GetString(1),
                CreatedBy = reader.GetString(2),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                Name = reader.GetString(4),
                Status = BatchStoreRules.ParseStatus(reader.GetString(5)),
                TotalRows = reader.GetInt32(6),
                CompletedAt = reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                LeaseOwner = reader.IsDBNull(8) ? null : reader.GetString(8),
                LeaseUntil = reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
            });
        }

        return batches;
    }

    private static BatchRow ReadRow(SqliteDataReader reader) => new()
    {
        Line = reader.GetInt32(0),
        ImageName = reader.GetString(1),
        ImageKey = Text(reader, 2),
        Category = reader.GetString(3),
        Condition = reader.GetString(4),
        Brand = Text(reader, 5),
        Title = Text(reader, 6),
        Status = BatchStoreRules.ParseRowStatus(reader.GetString(7)),
        Error = Text(reader, 8),
        Price = reader.IsDBNull(9) ? null : new BatchRowPrice(
            BatchStoreRules.ParseMoney(reader.GetString(9)),
            BatchStoreRules.ParseMoney(reader.GetString(10)),
            BatchStoreRules.ParseMoney(reader.GetString(11)),
            reader.GetString(12),
            reader.GetDouble(13),
            Text(reader, 14),
            reader.GetInt32(15),
            reader.GetString(16),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(17))),
        DecisionId = Text(reader, 18),
    };

    private static void SetPrice(SqliteParameterCollection p, BatchRowPrice? price)
    {
        p["$price"].Value = price is null ? DBNull.Value : BatchStoreRules.Money(price.Price);
        p["$low"].Value = price is null ? DBNull.Value : BatchStoreRules.Money(price.RangeLow);
        p["$high"].Value = price is null ? DBNull.Value : BatchStoreRules.Money(price.RangeHigh);
        p["$currency"].Value = (object?)price?.Currency ?? DBNull.Value;
        p["$confidence"].Value = (object?)price?.Confidence ?? DBNull.Value;
        p["$fallback"].Value = (object?)price?.Fallback ?? DBNull.Value;
        p["$comparables"].Value = (object?)price?.Comparables ?? DBNull.Value;
        p["$model"].Value = (object?)price?.EmbeddingModel ?? DBNull.Value;
        p["$priced_at"].Value = (object?)price?.PricedAt.ToUnixTimeMilliseconds() ?? DBNull.Value;
    }

    private static object Db(string? value) => (object?)value ?? DBNull.Value;

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
