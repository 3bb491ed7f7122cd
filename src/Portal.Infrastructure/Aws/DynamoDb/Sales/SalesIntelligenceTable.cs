using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The key design of <c>sales-intelligence-{stage}</c> (see <c>docs/aws/dynamodb-sales.md</c>): the seed's base keys and GSI-1/2/3,
/// GSI-4 (a tenant's sales by date) and the sparse GSI-OUTBOX, plus the sale-id guard, registry, outbox batch and counter items.
/// </summary>
internal static class SalesIntelligenceTable
{
    public const string Prefix = "sales-intelligence-";

    public const string Pk = "pk";
    public const string Sk = "sk";
    public const string Ttl = "ttl";
    public const string Entity = "entity";

    public const string Gsi1 = "GSI-1";
    public const string Gsi1Pk = "GSI1PK";
    public const string Gsi1Sk = "GSI1SK";
    public const string Gsi2 = "GSI-2";
    public const string Gsi2Pk = "GSI2PK";
    public const string Gsi2Sk = "GSI2SK";
    public const string Gsi3 = "GSI-3";
    public const string Gsi3Pk = "GSI3PK";
    public const string Gsi3Sk = "GSI3SK";
    public const string Gsi4 = "GSI-4";
    public const string Gsi4Pk = "GSI4PK";
    public const string Gsi4Sk = "GSI4SK";
    public const string GsiOutbox = "GSI-OUTBOX";
    public const string OutboxPk = "OUTBOXPK";
    public const string OutboxSk = "OUTBOXSK";
    public const string GsiFeed = "GSI-FEED";
    public const string FeedPk = "FEEDPK";
    public const string FeedSk = "FEEDSK";
    public const string FeedHostsPk = "FEED#HOSTS";
    public const string FeedHostEntity = "FEEDHOST";
    public const string HeartbeatReportedMs = "reportedAtMs";
    public const string HeartbeatWatermarkMs = "watermarkMs";
    public const string HeartbeatLastSaleSeenMs = "lastSaleSeenMs";
    public const string HeartbeatLagMs = "lagMs";
    /// <summary>Range calibrations: one item per tenant and currency under this partition, so one query reads them all.</summary>
    public const string CalibrationsPk = "CALIBRATION#RANGES";
    public const string CalibrationEntity = "RANGECALIBRATION";
    public const string CalibrationCurrency = "currency";
    public const string CalibratedAtMs = "calibratedAtMs";
    public const string CalibrationJson = "calibration";

    // Sale attributes (the seed's names where it has one).
    public const string TenantIdAttribute = "tenantId";
    public const string ProductId = "productId";
    public const string SaleId = "saleId";
    public const string Category = "category";
    public const string Brand = "brand";
    public const string ConditionAttribute = "condition";
    public const string Title = "title";
    public const string Description = "description";
    public const string SalePrice = "salePrice";
    public const string SalePriceText = "salePriceText";
    public const string SaleCurrency = "saleCurrency";
    public const string SaleDate = "saleDate";
    public const string SoldAtMs = "soldAtMs";
    public const string Season = "season";
    public const string ImageKey = "imageKey";
    public const string Source = "source";
    public const string Embedding = "embedding";
    public const string EmbeddingModel = "embedding_model";
    public const string EmbeddingDim = "embedding_dim";
    /// <summary>A sale's further photos: a list of maps (<c>embedding</c> Binary, <c>embedding_model</c>, <c>embedding_dim</c>), the second photo first.</summary>
    public const string MorePhotos = "more_photos";

    // Outbox mark on the sale item, and the batch / counter items.
    public const string OutboxPending = "outbox_pending";
    public const string OutboxEnqueuedMs = "outbox_enqueued_ms";
    public const string OutboxBatchAttribute = "outbox_batch";
    public const string BatchMembers = "members";
    public const string BatchState = "state";
    public const string BatchId = "batchId";
    public const string BatchMemberCount = "memberCount";
    public const string BatchOldestMs = "oldestEnqueuedMs";
    public const string CounterNext = "next";

    // Guard item.
    public const string SalePk = "salePk";
    public const string SaleSk = "saleSk";

    public const string SaleEntity = "SALE";
    public const string GuardEntity = "SALEID";
    public const string RegistryEntity = "REGISTRY";
    public const string OutboxBatchPk = "OUTBOX#BATCH";
    public const string OutboxCounterKey = "OUTBOX#COUNTER";
    public const string TenantRegistryPk = "REGISTRY#TENANTS";

    /// <summary>Keys put ids in the last (or fixed-suffix) position, so a '#' inside an id cannot be confused with a separator;
    /// DynamoDB limits keys to 2048/1024 bytes, so every id that goes into one is capped well below.</summary>
    public const int MaxIdBytes = 256;

    /// <summary>The sale attributes every query reads (all but the embedding): projected into GSI-1/2/3 (INCLUDE).</summary>
    public static readonly string[] SaleAttributes =
    [
        Entity, TenantIdAttribute, ProductId, SaleId, Category, Brand, ConditionAttribute, Title, Description, SalePrice, SalePriceText, SaleCurrency,
        SaleDate, SoldAtMs, Season, ImageKey, Source, Ttl, OutboxPending,
    ];

    public static string NameFor(string stage) => Prefix + stage;

    public static string SalePartitionKey(TenantId tenant, string productId) => SalesKeys.Pk(tenant, productId);

    public static string SaleSortKey(DateTimeOffset soldAt, string saleId) => SalesKeys.Sk(soldAt, saleId);

    public static string GuardPartitionKey(TenantId tenant, string saleId) => $"TENANT#{tenant.Value}#SALEID#{saleId}";

    public const string GuardSortKey = "SALEID";

    public static string Gsi4PartitionKey(TenantId tenant) => $"TENANT#{tenant.Value}#SALES";

    public static string Gsi4SortKey(DateTimeOffset soldAt, string saleId) => $"{SalesKeys.DateSk(soldAt)}#{saleId}";

    /// <summary>A lower bound on GSI-4/GSI-3 date keys for sales sold at or after <paramref name="at"/>.</summary>
    public static string DateKey(DateTimeOffset at) => SalesKeys.DateSk(at);

    public static string CategoryRegistryPk(TenantId tenant) => $"REGISTRY#TENANT#{tenant.Value}#CATEGORIES";

    /// <summary>One registry item per tenant and expiry month: idempotent puts (batchable), expired with the month.</summary>
    public static string TenantRegistrySk(TenantId tenant, string expiryMonth) => $"TENANT#{tenant.Value}#UNTIL#{expiryMonth}";

    public static string CategoryRegistrySk(string category, string expiryMonth) => $"CATEGORY#{category}#UNTIL#{expiryMonth}";

    public static string OutboxShardKey(int shard) => "OUTBOX#" + shard.ToString(CultureInfo.InvariantCulture);

    /// <summary>Enqueue time first (zero-padded milliseconds) so a shard's pending rows come oldest first.</summary>
    public static string OutboxSortKey(long enqueuedMs, TenantId tenant, string saleId) =>
        $"{enqueuedMs.ToString("D15", CultureInfo.InvariantCulture)}#{tenant.Value}#{saleId}";

    public static long EnqueuedMsOf(string outboxSortKey) =>
        long.Parse(outboxSortKey.AsSpan(0, 15), NumberStyles.None, CultureInfo.InvariantCulture);

    public static string CalibrationSortKey(TenantId tenant, string currency) => $"TENANT#{tenant.Value}#CURRENCY#{currency}";

    public static string FeedShardKey(int shard) => "FEED#" + shard.ToString(CultureInfo.InvariantCulture);

    /// <summary>Write time first (zero-padded milliseconds), then tenant and sale id: a shard's sales in feed order.</summary>
    public static string FeedSortKey(long writtenMs, TenantId tenant, string saleId) =>
        $"{writtenMs.ToString("D15", CultureInfo.InvariantCulture)}#{tenant.Value}#{saleId}";

    /// <summary>The lower bound of feed keys written at or after <paramref name="writtenMs"/>.</summary>
    public static string FeedSortKeyFrom(long writtenMs) => Math.Max(0, writtenMs).ToString("D15", CultureInfo.InvariantCulture);

    /// <summary>Write time, tenant and sale id back from a feed key (tenant ids hold no '#'; the sale id is last, so it may).</summary>
    public static (long WrittenMs, TenantId Tenant, string SaleId) ParseFeedSortKey(string feedSortKey)
    {
        var writtenMs = long.Parse(feedSortKey.AsSpan(0, 15), NumberStyles.None, CultureInfo.InvariantCulture);
        var rest = feedSortKey[16..];
        var separator = rest.IndexOf('#', StringComparison.Ordinal);
        return (writtenMs, new TenantId(rest[..separator]), rest[(separator + 1)..]);
    }

    public static string BatchSortKey(long batchId) => batchId.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>A stable shard for a sale (SHA-256, not string.GetHashCode, which changes between processes).</summary>
    public static int OutboxShardOf(TenantId tenant, string saleId, int shards)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(tenant.Value + "\n" + saleId), hash);
        return (int)(BitConverter.ToUInt32(hash) % (uint)shards);
    }
}
