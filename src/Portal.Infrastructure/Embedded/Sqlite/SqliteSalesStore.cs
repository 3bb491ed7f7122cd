using Microsoft.Extensions.Logging.Abstractions;

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

    /// <summary>Releases the pooled connections (and so the database file).</summary>
    public void Dispose() => _database.Dispose();

    private long TtlOf(SaleRecord sale) => sale.SoldAt.Add(_options.RetentionPeriod).ToUnixTimeSeconds();

    private long NowSeconds() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// The feed's write time (unix ms), taken inside the write transaction: <c>BEGIN IMMEDIATE</c> holds the database's one write
    /// lock, so every process's stamps are in commit order.
    /// </summary>
    private long WriteStamp() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static void RequireTenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }
    }
}
