using Microsoft.Data.Sqlite;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// Product states (<c>product_states</c>) in the shared SQLite file. Each state carries a version; a transition is written
/// with a conditional update on the version read (optimistic concurrency, the same shape as the DynamoDB adapter's
/// condition expression), so two writers can never both move the same product.
/// </summary>
public sealed class SqliteProductStateStore : IProductStateStore, IDisposable
{
    private const int MaxConflictRetries = 5;

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS product_states (
            tenant_id          TEXT    NOT NULL,
            product_id         TEXT    NOT NULL,
            status             TEXT    NOT NULL,
            version            INTEGER NOT NULL,
            last_event_id      TEXT    NOT NULL,
            last_event_time_ms INTEGER NOT NULL,
            updated_at_ms      INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, product_id)
        );
        """,
        // Every event that moved a product, not only the last one: see the replay check in ApplyOneAsync.
        """
        CREATE TABLE IF NOT EXISTS product_state_events (
            tenant_id  TEXT NOT NULL,
            product_id TEXT NOT NULL,
            event_id   TEXT NOT NULL,
            PRIMARY KEY (tenant_id, product_id, event_id)
        ) WITHOUT ROWID;
        """,
    ];

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteProductStateStore(string databasePath, TimeProvider timeProvider, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _database = SqliteDatabase.WithSchema(databasePath, Schema, busyTimeout);
    }

    public async Task<ProductState?> GetAsync(TenantId tenant, string productId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadAsync(connection, null, tenant, productId, cancellationToken);
    }

    /// <summary>
    /// Decides and applies the transitions in order, in ONE transaction (a micro-batch: later requests see earlier ones).
    /// Returns the decision for each request; only <see cref="TransitionKind.Apply"/> changes anything.
    /// </summary>
    public async Task<IReadOnlyList<TransitionDecision>> ApplyAsync(IReadOnlyList<ProductTransitionRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var decisions = new TransitionDecision[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            decisions[i] = await ApplyOneAsync(connection, transaction, requests[i], now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return decisions;
    }

    public void Dispose() => _database.Dispose();

    private static async Task<TransitionDecision> ApplyOneAsync(SqliteConnection connection, SqliteTransaction transaction, ProductTransitionRequest request, long now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await ReadAsync(connection, transaction, request.Tenant, request.ProductId, cancellationToken);
            if (current is not null && !string.Equals(current.LastEventId, request.EventId, StringComparison.Ordinal)
                && await WasAppliedAsync(connection, transaction, request, cancellationToken))
            {
                // Applied before and then moved past by a later event of the same micro-batch, and the process died before the
                // idempotency outcomes were stored (a worker killed mid-batch): the redelivery is a replay. Deciding it again
                // against the newer state would dead-letter it as illegal (listed after sold) or even move the product back.
                return new TransitionDecision(TransitionKind.Replay, current.Status, null);
            }

            var decision = ProductLifecycle.Decide(current, request.Type, request.EventId);
            if (decision.Kind != TransitionKind.Apply)
            {
                return decision;
            }

            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = current is null
                ? "INSERT INTO product_states (tenant_id, product_id, status, version, last_event_id, last_event_time_ms, updated_at_ms) " +
                  "VALUES ($tenant, $product, $status, 1, $event, $event_time, $now) ON CONFLICT DO NOTHING;"
                : "UPDATE product_states SET status = $status, version = version + 1, last_event_id = $event, last_event_time_ms = $event_time, " +
                  "updated_at_ms = $now WHERE tenant_id = $tenant AND product_id = $product AND version = $version;";
            write.Parameters.AddWithValue("$tenant", request.Tenant.Value);
            write.Parameters.AddWithValue("$product", request.ProductId);
            write.Parameters.AddWithValue("$status", decision.NewStatus!.Value.ToString());
            write.Parameters.AddWithValue("$event", request.EventId);
            write.Parameters.AddWithValue("$event_time", request.EventTime.ToUnixTimeMilliseconds());
            write.Parameters.AddWithValue("$now", now);
            write.Parameters.AddWithValue("$version", current?.Version ?? 0);
            if (await write.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await using var applied = connection.CreateCommand();
                applied.Transaction = transaction;
                applied.CommandText = "INSERT OR IGNORE INTO product_state_events (tenant_id, product_id, event_id) VALUES ($tenant, $product, $event);";
                applied.Parameters.AddWithValue("$tenant", request.Tenant.Value);
                applied.Parameters.AddWithValue("$product", request.ProductId);
                applied.Parameters.AddWithValue("$event", request.EventId);
                await applied.ExecuteNonQueryAsync(cancellationToken);
                return decision;
            }

            // Someone else moved the product since we read it: decide again on the new state.
            if (attempt >= MaxConflictRetries)
            {
                throw new InvalidOperationException($"Product {request.Tenant.Value}/{request.ProductId} kept changing under a conditional update.");
            }
        }
    }

    private static async Task<bool> WasAppliedAsync(SqliteConnection connection, SqliteTransaction transaction, ProductTransitionRequest request, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT EXISTS (SELECT 1 FROM product_state_events WHERE tenant_id = $tenant AND product_id = $product AND event_id = $event);";
        read.Parameters.AddWithValue("$tenant", request.Tenant.Value);
        read.Parameters.AddWithValue("$product", request.ProductId);
        read.Parameters.AddWithValue("$event", request.EventId);
        return Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static async Task<ProductState?> ReadAsync(SqliteConnection connection, SqliteTransaction? transaction, TenantId tenant, string productId, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT status, version, last_event_id, last_event_time_ms FROM product_states WHERE tenant_id = $tenant AND product_id = $product;";
        read.Parameters.AddWithValue("$tenant", tenant.Value);
        read.Parameters.AddWithValue("$product", productId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ProductState(
            Enum.Parse<ProductStatus>(reader.GetString(0)),
            reader.GetInt64(1),
            reader.GetString(2),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
    }
}
