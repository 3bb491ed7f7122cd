using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The embedded sales store: one SQLite file (WAL) with the seed's DynamoDB logical keys as columns and an index per GSI.
/// Every operation opens its own (pooled) connection, so one instance is safe to share between threads.
/// </summary>
/// <remarks>
/// Schema decisions:
/// <list type="bullet">
/// <item><c>sold_price</c> is TEXT holding the invariant <see cref="decimal"/> string, so prices come back exact (scale included);
/// <c>gsi1sk</c> carries the zero-padded price for sorting.</item>
/// <item><c>ttl</c> is epoch seconds = <c>sold_at + RetentionPeriod</c> (the seed keeps a sale two years after it sold, not after it
/// was imported: an old sale imported today must not anchor prices for two more years). Reads filter <c>ttl &gt; now</c>
/// because, like DynamoDB's TTL, physical deletion (<see cref="PurgeExpiredAsync"/>) may lag.</item>
/// <item><c>sold_at</c> is fixed-width ISO-8601 UTC text (exact ticks) and <c>sold_at_ms</c> unix milliseconds for range queries.</item>
/// <item><c>embedding</c> is float32 little-endian with <c>embedding_model</c> and <c>embedding_dim</c>; a blob that does not decode
/// is logged and the sale is returned without an embedding.</item>
/// <item>A sale's further photos (its second to fifth) are rows of <c>sale_images</c> keyed by tenant, sale id and ordinal (1 for
/// the second photo), each with its embedding, model and dimension; the first photo stays the sale row's <c>embedding</c>.</item>
/// </list>
/// </remarks>
public sealed partial class SqliteSalesStore : ISalesStore, ISalesOutbox, ISalesChangeFeed, IDisposable
{
    private const int SchemaVersion = 5;

    private const string Columns =
        "pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, tenant_id, product_id, sale_id, category, brand, condition, title, " +
        "description, sold_price, currency, sold_at, sold_at_ms, season, image_key, source, ttl, embedding, embedding_model, embedding_dim, written_at_ms";

    /// <summary>The columns <see cref="ReadSale"/> reads, in its order (embedding, model and dimension last, at 13–15).</summary>
    internal const string SelectColumns =
        "tenant_id, product_id, sale_id, category, brand, condition, title, description, sold_price, currency, sold_at, image_key, source, " +
        "embedding, embedding_model, embedding_dim";

    private const string InsertSql =
        $"INSERT INTO sales ({Columns}) VALUES ($pk, $sk, $gsi1pk, $gsi1sk, $gsi2pk, $gsi2sk, $gsi3pk, $gsi3sk, $tenant_id, $product_id, " +
        "$sale_id, $category, $brand, $condition, $title, $description, $sold_price, $currency, $sold_at, $sold_at_ms, $season, $image_key, " +
        "$source, $ttl, $embedding, $embedding_model, $embedding_dim, $written_at_ms) ON CONFLICT DO NOTHING;";

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

    private readonly SqliteDatabase _database;
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public SqliteSalesStore(SqliteStoreOptions options, TimeProvider timeProvider, ILogger<SqliteSalesStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath);
        if (options.RetentionPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RetentionPeriod must be positive.");
        }

        _options = options;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _database = new SqliteDatabase(options.DatabasePath, options.BusyTimeout, MigrateAsync);
    }

    public TimeSpan RetentionPeriod => _options.RetentionPeriod;

    public async Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken)
    {
        Validate(sale, embedding);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = InsertSql;
        var parameters = InsertParameters.AddTo(command);
        // No transaction: the statement may still wait for the write lock after this stamp; the feed's overlap covers that.
        parameters.Bind(sale, embedding, TtlOf(sale), WriteStamp());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sales);
        foreach (var (sale, embedding) in sales)
        {
            Validate(sale, embedding);
        }

        if (sales.Count == 0)
        {
            return 0;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: take the write lock up front so a concurrent writer waits instead of failing on upgrade.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        var parameters = InsertParameters.AddTo(command);
        command.Prepare();

        var writtenAt = WriteStamp();
        var inserted = 0;
        foreach (var (sale, embedding) in sales)
        {
            cancellationToken.ThrowIfCancellationRequested();
            parameters.Bind(sale, embedding, TtlOf(sale), writtenAt);
            inserted += command.ExecuteNonQuery();
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public async Task<bool> ContainsSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(saleId);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM sales WHERE tenant_id = $tenant AND sale_id = $sale_id AND ttl > $now);";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sale_id", saleId);
        command.Parameters.AddWithValue("$now", NowSeconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    public async Task<IReadOnlyList<SaleRecord>> QuerySalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireTenant(query.Tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder($"SELECT {SelectColumns} FROM sales");
        AppendFilters(sql, command, query);
        var direction = query.Descending ? "DESC" : "ASC";
        // Whitelisted: the enum picks one of these fixed expressions, never text from the caller.
        var order = query.SortBy switch
        {
            SalesSort.SoldAt => $"sold_at_ms {direction}",
            SalesSort.Price => $"CAST(sold_price AS REAL) {direction}, sold_at_ms DESC",
            SalesSort.Brand => $"brand IS NULL, brand COLLATE NOCASE {direction}, sold_at_ms DESC",
            SalesSort.Category => $"category {direction}, sold_at_ms DESC",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.SortBy, "Unknown sort."),
        };
        sql.Append(" ORDER BY ").Append(order).Append(", sale_id LIMIT $limit OFFSET $offset;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);
        command.CommandText = sql.ToString();

        var results = new List<SaleRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(ReadSale(reader));
        }

        return results;
    }

    public async IAsyncEnumerable<(SaleRecord Sale, StoredEmbedding? Embedding)> StreamSalesAsync(
        TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Every live sale, by date: the index needs the ones without embeddings too, for medians and seasonal indexes.
        command.CommandText = $"SELECT {SelectColumns} FROM sales WHERE tenant_id = $tenant AND ttl > $now ORDER BY sold_at_ms, sale_id;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sale = ReadSale(reader);
            yield return (sale, ReadEmbedding(reader, sale));
        }
    }

    public async Task<IReadOnlyList<TenantId>> GetTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT tenant_id FROM sales WHERE ttl > $now ORDER BY tenant_id;";
        command.Parameters.AddWithValue("$now", NowSeconds());
        var tenants = new List<TenantId>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(new TenantId(reader.GetString(0)));
        }

        return tenants;
    }

    public async Task<IReadOnlyList<string>> GetCategoriesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT category FROM sales WHERE tenant_id = $tenant AND ttl > $now ORDER BY category;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        var categories = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            categories.Add(reader.GetString(0));
        }

        return categories;
    }

    public async Task<long> CountSalesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sales WHERE tenant_id = $tenant AND ttl > $now;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<long> CountSalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireTenant(query.Tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("SELECT COUNT(*) FROM sales");
        AppendFilters(sql, command, query);
        command.CommandText = sql.Append(';').ToString();
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<SaleRecord?> GetSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(saleId))
        {
            return null;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectColumns} FROM sales WHERE tenant_id = $tenant AND sale_id = $sale_id AND ttl > $now;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sale_id", saleId);
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSale(reader) : null;
    }

    public async Task<bool> ReplaceEmbeddingAsync(TenantId tenant, string saleId, StoredEmbedding embedding, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(embedding);
        if (string.IsNullOrWhiteSpace(saleId))
        {
            return false;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE sales SET embedding = $embedding, embedding_model = $model, embedding_dim = $dim " +
            "WHERE tenant_id = $tenant AND sale_id = $sale_id AND ttl > $now;";
        command.Parameters.AddWithValue("$embedding", EmbeddingCodec.Encode(embedding.Vector));
        command.Parameters.AddWithValue("$model", embedding.ModelId);
        command.Parameters.AddWithValue("$dim", embedding.Dimension);
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sale_id", saleId);
        command.Parameters.AddWithValue("$now", NowSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The WHERE clause of a sales query: every value a bound parameter.</summary>
    private void AppendFilters(System.Text.StringBuilder sql, SqliteCommand command, SalesQuery query)
    {
        sql.Append(" WHERE tenant_id = $tenant AND ttl > $now");
        command.Parameters.AddWithValue("$tenant", query.Tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        if (query.ProductId is not null)
        {
            // Base-table access pattern: the partition key.
            sql.Append(" AND pk = $pk");
            command.Parameters.AddWithValue("$pk", SalesKeys.Pk(query.Tenant, query.ProductId));
        }

        if (query.Brand is not null)
        {
            // GSI-3 access pattern.
            sql.Append(" AND gsi3pk = $gsi3pk");
            command.Parameters.AddWithValue("$gsi3pk", SalesKeys.Gsi3Pk(query.Tenant, query.Brand));
        }

        if (query.Category is not null)
        {
            sql.Append(" AND category = $category");
            command.Parameters.AddWithValue("$category", query.Category);
        }

        if (query.Condition is { } condition)
        {
            sql.Append(" AND condition = $condition");
            command.Parameters.AddWithValue("$condition", condition.ToWireName());
        }

        if (query.MinPrice is { } min)
        {
            sql.Append(" AND CAST(sold_price AS REAL) >= $min_price");
            command.Parameters.AddWithValue("$min_price", (double)min);
        }

        if (query.MaxPrice is { } max)
        {
            sql.Append(" AND CAST(sold_price AS REAL) <= $max_price");
            command.Parameters.AddWithValue("$max_price", (double)max);
        }

        if (query.SoldFrom is { } from)
        {
            sql.Append(" AND sold_at_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.SoldTo is { } to)
        {
            sql.Append(" AND sold_at_ms <= $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Physically deletes expired sales (reads already hide them); returns how many were deleted.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = NowSeconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var photos = connection.CreateCommand())
        {
            // A sale's further photos go with it.
            photos.Transaction = transaction;
            photos.CommandText =
                "DELETE FROM sale_images WHERE EXISTS (SELECT 1 FROM sales s WHERE s.tenant_id = sale_images.tenant_id " +
                "AND s.sale_id = sale_images.sale_id AND s.ttl <= $now);";
            photos.Parameters.AddWithValue("$now", now);
            await photos.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM sales WHERE ttl <= $now;";
        command.Parameters.AddWithValue("$now", now);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Releases the pooled connections (and so the database file).</summary>
    public void Dispose() => _database.Dispose();

    private long TtlOf(SaleRecord sale) => sale.SoldAt.Add(_options.RetentionPeriod).ToUnixTimeSeconds();

    private long NowSeconds() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// The feed's write time (unix ms), taken inside the write transaction: <c>BEGIN IMMEDIATE</c> holds the database's one write
    /// lock, so every process's stamps are in commit order.
    /// </summary>
    private long WriteStamp() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

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

    internal static SaleRecord ReadSale(SqliteDataReader reader) => new()
    {
        Tenant = new TenantId(reader.GetString(0)),
        ProductId = reader.GetString(1),
        SaleId = reader.GetString(2),
        Category = reader.GetString(3),
        Brand = reader.IsDBNull(4) ? null : reader.GetString(4),
        Condition = !reader.IsDBNull(5) && ItemConditions.TryParse(reader.GetString(5), out var condition) ? condition : null,
        Title = reader.IsDBNull(6) ? null : reader.GetString(6),
        Description = reader.IsDBNull(7) ? null : reader.GetString(7),
        SoldPrice = decimal.Parse(reader.GetString(8), NumberStyles.Number, CultureInfo.InvariantCulture),
        Currency = reader.GetString(9),
        SoldAt = new DateTimeOffset(DateTime.Parse(reader.GetString(10), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)),
        ImageKey = reader.IsDBNull(11) ? null : reader.GetString(11),
        Source = reader.GetString(12),
    };

    private StoredEmbedding? ReadEmbedding(SqliteDataReader reader, SaleRecord sale)
    {
        if (reader.IsDBNull(13))
        {
            return null;
        }

        var bytes = (byte[])reader.GetValue(13);
        var model = reader.IsDBNull(14) ? null : reader.GetString(14);
        var dimension = reader.IsDBNull(15) ? 0L : reader.GetInt64(15);
        if (EmbeddingCodec.TryDecode(model, dimension, bytes, out var embedding))
        {
            return embedding;
        }

        LogCorruptEmbedding(_logger, sale.Tenant.Value, sale.SaleId, bytes.Length, dimension, model);
        return null;
    }

    private static void RequireTenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }
    }

    private static void Validate(SaleRecord sale, StoredEmbedding? embedding)
    {
        ArgumentNullException.ThrowIfNull(sale);
        RequireTenant(sale.Tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.ProductId, nameof(sale.ProductId));
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.SaleId, nameof(sale.SaleId));
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.Category, nameof(sale.Category));
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.Currency, nameof(sale.Currency));
        if (sale.SoldPrice < 0m || sale.SoldPrice >= PriceLimits.Ceiling)
        {
            throw new ArgumentOutOfRangeException(nameof(sale), sale.SoldPrice, "SoldPrice must be in [0, 10^12).");
        }

        if (embedding is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(embedding.ModelId, nameof(embedding.ModelId));
            if (embedding.Vector is not { Length: > 0 })
            {
                throw new ArgumentException("An embedding needs at least one dimension.", nameof(embedding));
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sales store {DatabasePath} migrated to schema version {Version}")]
    private static partial void LogMigrated(ILogger logger, string databasePath, int version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Sale {TenantId}/{SaleId} has an unreadable embedding ({Length} bytes, dimension {Dimension}, model {ModelId}); returned without it")]
    private static partial void LogCorruptEmbedding(ILogger logger, string tenantId, string saleId, int length, long dimension, string? modelId);

    /// <summary>The insert command's parameters, created once and rebound per row.</summary>
    private sealed class InsertParameters
    {
        private readonly SqliteParameter[] _p;

        private InsertParameters(SqliteParameter[] parameters) => _p = parameters;

        public static InsertParameters AddTo(SqliteCommand command)
        {
            var names = Columns.Split(", ");
            var parameters = new SqliteParameter[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                parameters[i] = command.Parameters.Add(new SqliteParameter("$" + names[i], DBNull.Value));
            }

            return new InsertParameters(parameters);
        }

        public void Bind(SaleRecord sale, StoredEmbedding? embedding, long ttl, long writtenAtMs)
        {
            var tenant = sale.Tenant;
            var season = sale.Season;
            var date = SalesKeys.DateSk(sale.SoldAt);
            var i = 0;
            Set(ref i, SalesKeys.Pk(tenant, sale.ProductId));
            Set(ref i, SalesKeys.Sk(sale.SoldAt, sale.SaleId));
            Set(ref i, SalesKeys.Gsi1Pk(tenant, sale.Category, season));
            Set(ref i, SalesKeys.Gsi1Sk(sale.SoldPrice, sale.SoldAt));
            Set(ref i, embedding is null ? null : SalesKeys.Gsi2Pk(tenant));
            Set(ref i, embedding is null ? null : date);
            Set(ref i, sale.Brand is null ? null : SalesKeys.Gsi3Pk(tenant, sale.Brand));
            Set(ref i, sale.Brand is null ? null : date);
            Set(ref i, tenant.Value);
            Set(ref i, sale.ProductId);
            Set(ref i, sale.SaleId);
            Set(ref i, sale.Category);
            Set(ref i, sale.Brand);
            Set(ref i, sale.Condition?.ToWireName());
            Set(ref i, sale.Title);
            Set(ref i, sale.Description);
            Set(ref i, sale.SoldPrice.ToString(CultureInfo.InvariantCulture));
            Set(ref i, sale.Currency);
            Set(ref i, SalesKeys.Timestamp(sale.SoldAt));
            Set(ref i, sale.SoldAt.ToUnixTimeMilliseconds());
            Set(ref i, season);
            Set(ref i, sale.ImageKey);
            Set(ref i, sale.Source);
            Set(ref i, ttl);
            Set(ref i, embedding is null ? null : EmbeddingCodec.Encode(embedding.Vector));
            Set(ref i, embedding?.ModelId);
            Set(ref i, embedding is null ? null : embedding.Dimension);
            Set(ref i, writtenAtMs);
        }

        private void Set(ref int index, object? value) => _p[index++].Value = value ?? DBNull.Value;
    }
}
