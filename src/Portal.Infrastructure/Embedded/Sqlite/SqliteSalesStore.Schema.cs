using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>The schema: the first migration's tables and indexes, and the versioned migration runner.</summary>
public sealed partial class SqliteSalesStore
{
    private const int SchemaVersion = 5;

    private static readonly string[] Migration1 =
    [
        """
        CREATE TABLE sales (
            pk              TEXT    NOT NULL,
            sk              TEXT    NOT NULL,
            gsi1pk          TEXT    NOT NULL,
            gsi1sk          TEXT    NOT NULL,
            gsi2pk          TEXT    NULL,
            gsi2sk          TEXT    NULL,
            gsi3pk          TEXT    NULL,
            gsi3sk          TEXT    NULL,
            tenant_id       TEXT    NOT NULL,
            product_id      TEXT    NOT NULL,
            sale_id         TEXT    NOT NULL,
            category        TEXT    NOT NULL,
            brand           TEXT    NULL,
            condition       TEXT    NULL,
            title           TEXT    NULL,
            description     TEXT    NULL,
            sold_price      TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            sold_at         TEXT    NOT NULL,
            sold_at_ms      INTEGER NOT NULL,
            season          TEXT    NOT NULL,
            image_key       TEXT    NULL,
            source          TEXT    NOT NULL,
            ttl             INTEGER NOT NULL,
            embedding       BLOB    NULL,
            embedding_model TEXT    NULL,
            embedding_dim   INTEGER NULL,
            PRIMARY KEY (pk, sk)
        );
        """,
        "CREATE UNIQUE INDEX ux_sales_tenant_sale ON sales (tenant_id, sale_id);",
        "CREATE INDEX ix_sales_gsi1 ON sales (gsi1pk, gsi1sk);",
        "CREATE INDEX ix_sales_gsi2 ON sales (gsi2pk, gsi2sk) WHERE gsi2pk IS NOT NULL;",
        "CREATE INDEX ix_sales_gsi3 ON sales (gsi3pk, gsi3sk) WHERE gsi3pk IS NOT NULL;",
        "CREATE INDEX ix_sales_tenant_sold ON sales (tenant_id, sold_at_ms);",
        "CREATE INDEX ix_sales_tenant_category_sold ON sales (tenant_id, category, sold_at_ms);",
        "CREATE INDEX ix_sales_ttl ON sales (ttl);",
    ];

    /// <summary>Versioned migrations, recorded in <c>schema_migrations</c>.</summary>
    private async Task MigrateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await SqliteDatabase.ExecuteAllAsync(connection, transaction,
            ["CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"], cancellationToken);

        long current;
        await using (var version = connection.CreateCommand())
        {
            version.Transaction = transaction;
            version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
            current = Convert.ToInt64(await version.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (current > SchemaVersion)
        {
            throw new InvalidOperationException($"Database '{_options.DatabasePath}' has schema version {current}; this build knows up to {SchemaVersion}.");
        }

        // Each step once, in order; a file from any earlier version is brought up to SchemaVersion.
        (int Version, string[] Statements)[] migrations =
            [(1, Migration1), (2, OutboxMigration), (3, SalePhotosMigration), (4, FeedMigration), (SchemaVersion, CalibrationsMigration)];
        foreach (var (version, statements) in migrations.Where(m => m.Version > current))
        {
            await SqliteDatabase.ExecuteAllAsync(connection, transaction, statements, cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $at);";
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$at", SalesKeys.Timestamp(_timeProvider.GetUtcNow()));
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogMigrated(_logger, _options.DatabasePath, version);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sales store {DatabasePath} migrated to schema version {Version}")]
    private static partial void LogMigrated(ILogger logger, string databasePath, int version);
}
