using Microsoft.Data.Sqlite;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The change feed of the embedded store: <c>written_at_ms</c> is stamped inside each write transaction (so in commit order
/// across every process sharing the file) and indexed with the tenant, sale id and TTL, so a poll that finds nothing reads
/// a few index pages and no sale rows.
/// </summary>
public sealed partial class SqliteSalesStore
{
    private static readonly string[] FeedMigration =
    [
        // Sales written before the feed existed carry 0: every host loads them at start, no follower asks for them.
        "ALTER TABLE sales ADD COLUMN written_at_ms INTEGER NOT NULL DEFAULT 0;",
        "CREATE INDEX ix_sales_feed ON sales (written_at_ms, tenant_id, sale_id, ttl);",
        """
        CREATE TABLE feed_heartbeats (
            host              TEXT    NOT NULL PRIMARY KEY,
            reported_at_ms    INTEGER NOT NULL,
            watermark_ms      INTEGER NULL,
            last_sale_seen_ms INTEGER NULL,
            lag_ms            INTEGER NULL
        );
        """,
    ];

    private static readonly string FeedSaleSql =
        $"SELECT {string.Join(", ", SelectColumns.Split(", ").Select(c => "s." + c))}, i.ordinal, i.embedding, i.embedding_model, i.embedding_dim " +
        "FROM sales s LEFT JOIN sale_images i ON i.tenant_id = s.tenant_id AND i.sale_id = s.sale_id " +
        "WHERE s.tenant_id = $tenant AND s.sale_id = $sale_id AND s.ttl > $now ORDER BY i.ordinal;";

    public async Task<IReadOnlyList<SalesFeedEntry>> ReadFeedAsync(SalesFeedCursor cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var since = cursor.Since.ToUnixTimeMilliseconds();
        if (cursor.After is { } after)
        {
            command.CommandText =
                "SELECT written_at_ms, tenant_id, sale_id FROM sales " +
                "WHERE written_at_ms >= $since AND (written_at_ms, tenant_id, sale_id) > ($after_ms, $after_tenant, $after_sale) AND ttl > $now " +
                "ORDER BY written_at_ms, tenant_id, sale_id LIMIT $limit;";
            command.Parameters.AddWithValue("$after_ms", after.WrittenAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$after_tenant", after.Tenant.Value);
            command.Parameters.AddWithValue("$after_sale", after.SaleId);
        }
        else
        {
            command.CommandText =
                "SELECT written_at_ms, tenant_id, sale_id FROM sales WHERE written_at_ms >= $since AND ttl > $now " +
                "ORDER BY written_at_ms, tenant_id, sale_id LIMIT $limit;";
        }

        command.Parameters.AddWithValue("$since", since);
        command.Parameters.AddWithValue("$now", NowSeconds());
        command.Parameters.AddWithValue("$limit", limit);
        var entries = new List<SalesFeedEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SalesFeedEntry(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), new TenantId(reader.GetString(1)), reader.GetString(2)));
        }

        return entries;
    }

    public async Task<IReadOnlyList<SaleWithPhotos>> GetFeedSalesAsync(IReadOnlyList<SalesFeedEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        // One read transaction: every sale and its photos from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = FeedSaleSql;
        var tenant = command.Parameters.Add(new SqliteParameter("$tenant", DBNull.Value));
        var saleId = command.Parameters.Add(new SqliteParameter("$sale_id", DBNull.Value));
        command.Parameters.AddWithValue("$now", NowSeconds());
        command.Prepare();
        var sales = new List<SaleWithPhotos>(entries.Count);
        foreach (var entry in entries)
        {
            RequireTenant(entry.Tenant);
            tenant.Value = entry.Tenant.Value;
            saleId.Value = entry.SaleId;
            SaleWithPhotos? current = null;
            List<StoredEmbedding> more = [];
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (current is null)
                    {
                        var sale = ReadSale(reader);
                        current = new SaleWithPhotos(sale, ReadEmbedding(reader, sale));
                    }

                    if (!reader.IsDBNull(16) && ReadPhoto(reader, current.Sale) is { } photo)
                    {
                        more.Add(photo);
                    }
                }
            }

            if (current is not null)
            {
                sales.Add(current.Embedding is null || more.Count == 0 ? current : current with { MorePhotos = more });
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return sales;
    }

    public async Task RecordHeartbeatAsync(SalesFeedHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        ArgumentException.ThrowIfNullOrWhiteSpace(heartbeat.Host);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO feed_heartbeats (host, reported_at_ms, watermark_ms, last_sale_seen_ms, lag_ms) VALUES ($host, $at, $watermark, $seen, $lag) " +
            "ON CONFLICT (host) DO UPDATE SET reported_at_ms = excluded.reported_at_ms, watermark_ms = excluded.watermark_ms, " +
            "last_sale_seen_ms = excluded.last_sale_seen_ms, lag_ms = excluded.lag_ms;";
        command.Parameters.AddWithValue("$host", heartbeat.Host);
        command.Parameters.AddWithValue("$at", heartbeat.ReportedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$watermark", (object?)heartbeat.Watermark?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$seen", (object?)heartbeat.LastSaleSeenAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$lag", (object?)(long?)heartbeat.Lag?.TotalMilliseconds ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SalesFeedHeartbeat>> GetHeartbeatsAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT host, reported_at_ms, watermark_ms, last_sale_seen_ms, lag_ms FROM feed_heartbeats WHERE reported_at_ms >= $since ORDER BY host;";
        command.Parameters.AddWithValue("$since", (_timeProvider.GetUtcNow() - within).ToUnixTimeMilliseconds());
        var heartbeats = new List<SalesFeedHeartbeat>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heartbeats.Add(new SalesFeedHeartbeat(
                reader.GetString(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(4))));
        }

        return heartbeats;
    }
}
