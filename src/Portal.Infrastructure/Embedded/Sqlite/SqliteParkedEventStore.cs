using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>Parked events (<c>parked_events</c>) in the shared SQLite file; one row per (tenant, detail-type, event id).</summary>
public sealed class SqliteParkedEventStore : IParkedEventStore, IDisposable
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS parked_events (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id     TEXT    NOT NULL,
            product_id    TEXT    NOT NULL,
            event_id      TEXT    NOT NULL,
            detail_type   TEXT    NOT NULL,
            payload       TEXT    NOT NULL,
            transport     TEXT    NOT NULL,
            event_time_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            parked_at_ms  INTEGER NOT NULL,
            attempts      INTEGER NOT NULL,
            image_key     TEXT,
            UNIQUE (tenant_id, detail_type, event_id)
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_parked_events_product ON parked_events (tenant_id, product_id);",
    ];

    private const string Columns = "id, tenant_id, product_id, event_id, detail_type, payload, transport, event_time_ms, expires_at_ms, parked_at_ms, attempts, image_key";

    private readonly SqliteDatabase _database;

    public SqliteParkedEventStore(string databasePath, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = new SqliteDatabase(databasePath, busyTimeout ?? SqliteDatabase.DefaultBusyTimeout,
            async (connection, transaction, cancellationToken) =>
            {
                await SqliteDatabase.ExecuteAllAsync(connection, transaction, Schema, cancellationToken);
                await AddImageKeyColumnAsync(connection, transaction, cancellationToken);
            });
    }

    /// <summary>Parks the event; a second park of the same event only counts an attempt.</summary>
    public async Task ParkAsync(ParkedEvent parked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parked);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO parked_events ({Columns[4..]}) VALUES ($tenant, $product, $event, $type, $payload, $transport, $event_time, $expires, $parked, 1, $image_key) " +
            "ON CONFLICT (tenant_id, detail_type, event_id) DO UPDATE SET attempts = attempts + 1, image_key = COALESCE(image_key, excluded.image_key);";
        command.Parameters.AddWithValue("$tenant", parked.Tenant.Value);
        command.Parameters.AddWithValue("$product", parked.ProductId);
        command.Parameters.AddWithValue("$event", parked.EventId);
        command.Parameters.AddWithValue("$type", parked.DetailType);
        command.Parameters.AddWithValue("$payload", parked.Payload);
        command.Parameters.AddWithValue("$transport", parked.Transport);
        command.Parameters.AddWithValue("$event_time", parked.EventTime.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", parked.ExpiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$parked", parked.ParkedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$image_key", (object?)parked.ImageKey ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The parked events of one product, oldest event first (listed → updated → sold order by event time).</summary>
    public Task<IReadOnlyList<ParkedEvent>> ListForProductAsync(TenantId tenant, string productId, CancellationToken cancellationToken) =>
        ListAsync("WHERE tenant_id = $tenant AND product_id = $product ORDER BY event_time_ms, id", cancellationToken,
            ("$tenant", tenant.Value), ("$product", productId));

    public Task<IReadOnlyList<ParkedEvent>> ListAllAsync(int limit, CancellationToken cancellationToken) =>
        ListAsync("ORDER BY event_time_ms, id LIMIT $limit", cancellationToken, ("$limit", limit));

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM parked_events WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM parked_events;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>Files created before parked events kept their photo get the column (null: the photo is resolved from the payload once more).</summary>
    private static async Task AddImageKeyColumnAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var probe = connection.CreateCommand();
        probe.Transaction = transaction;
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('parked_events') WHERE name = 'image_key';";
        if (Convert.ToInt32(await probe.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            await SqliteDatabase.ExecuteAllAsync(connection, transaction, ["ALTER TABLE parked_events ADD COLUMN image_key TEXT;"], cancellationToken);
        }
    }

    private async Task<IReadOnlyList<ParkedEvent>> ListAsync(string clause, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM parked_events {clause};";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var results = new List<ParkedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new ParkedEvent
            {
                Id = reader.GetInt64(0),
                Tenant = new TenantId(reader.GetString(1)),
                ProductId = reader.GetString(2),
                EventId = reader.GetString(3),
                DetailType = reader.GetString(4),
                Payload = reader.GetString(5),
                Transport = reader.GetString(6),
                EventTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                ParkedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                Attempts = reader.GetInt32(10),
                ImageKey = reader.IsDBNull(11) ? null : reader.GetString(11),
            });
        }

        return results;
    }
}
