using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The production sales store on <c>sales-intelligence-{stage}</c>: the seed's keys and GSIs, conditional writes instead of
/// transactions, paginated queries, every read filtered <c>ttl &gt; now</c> (DynamoDB deletes expired items up to two days late).
/// </summary>
/// <remarks>
/// A sale id is unique per tenant although the seed's key holds the product and the date: a guard item
/// (<c>TENANT#{t}#SALEID#{id}</c> / <c>SALEID</c>) is put first with <c>attribute_not_exists</c> and names the sale's key; the
/// sale item (with its outbox mark, so sale + outbox row is ONE write) is then put with <c>attribute_not_exists</c> too. A guard
/// left by a crash before the sale put names the same key, so the retry of the same sale completes it; another sale with the
/// same id is refused. Exactly one of several concurrent writers of one sale wins the sale put and answers "new".
/// </remarks>
public sealed partial class DynamoDbSalesStore : ISalesStore, ISalesOutbox, ISalesChangeFeed
{
    private const string NotExistsOrExpired = "attribute_not_exists(#pk) OR #ttl <= :now";

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbSalesOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _registered = new(StringComparer.Ordinal);

    public DynamoDbSalesStore(IAmazonDynamoDB client, string tableName, DynamoDbSalesOptions options, TimeProvider timeProvider, ILogger<DynamoDbSalesStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.RetentionPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Aws:DynamoDb:Sales:RetentionPeriod must be positive.");
        }

        _client = client;
        TableName = tableName;
        _options = options;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string TableName { get; }

    public TimeSpan RetentionPeriod => _options.RetentionPeriod;

    public async Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken) =>
        (await AddManyAsync([new SaleWithPhotos(sale, embedding)], withOutbox: false, cancellationToken))[0];

    public async Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken) =>
        (await AddManyAsync(Plain(sales), withOutbox: false, cancellationToken)).Count(added => added);

    public async Task<bool> ContainsSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(saleId);
        return await FindLiveSaleAsync(tenant, saleId, cancellationToken) is not null;
    }

    public async Task<SaleRecord?> GetSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(saleId))
        {
            return null;
        }

        return await FindLiveSaleAsync(tenant, saleId, cancellationToken) is { } item ? ToSale(item) : null;
    }

    public async Task<bool> ReplaceEmbeddingAsync(TenantId tenant, string saleId, StoredEmbedding embedding, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        StoredEmbedding.ThrowIfInvalid(embedding);

        if (string.IsNullOrWhiteSpace(saleId) || await FindLiveSaleAsync(tenant, saleId, cancellationToken) is not { } item)
        {
            return false;
        }

        var sale = ToSale(item);
        var names = new Dictionary<string, string> { ["#pk"] = Pk, ["#ttl"] = Ttl, ["#tenant"] = TenantIdAttribute, ["#sale"] = SaleId };
        var values = new Dictionary<string, AttributeValue>
        {
            [":now"] = Num(NowSeconds()),
            [":tenant"] = Str(tenant.Value),
            [":sale"] = Str(saleId),
        };
        var sets = new List<string>();
        foreach (var (name, value) in EmbeddingAttributes(embedding, sale.SoldAt, tenant))
        {
            var index = sets.Count;
            names["#e" + index] = name;
            values[":e" + index] = value;
            sets.Add($"#e{index} = :e{index}");
        }

        try
        {
            // Conditional: the item must still exist and be live (it may have expired or been deleted since it was read).
            await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(item[Pk].S, item[Sk].S),
                UpdateExpression = "SET " + string.Join(", ", sets),
                ConditionExpression = "attribute_exists(#pk) AND #ttl > :now AND #tenant = :tenant AND #sale = :sale",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async IAsyncEnumerable<(SaleRecord Sale, StoredEmbedding? Embedding)> StreamSalesAsync(
        TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        // GSI-4, not the seed's GSI-2: the index needs every live sale, with or without an embedding (medians, seasonal index).
        await foreach (var item in QueryAllAsync(LiveSalesByDate(tenant), cancellationToken))
        {
            var sale = ToSale(item);
            yield return (sale, ReadEmbedding(item, sale));
        }
    }

    public async IAsyncEnumerable<SaleWithPhotos> StreamSalesWithPhotosAsync(
        TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        // GSI-4 projects every attribute, the further photos' list included.
        await foreach (var item in QueryAllAsync(LiveSalesByDate(tenant), cancellationToken))
        {
            var sale = ToSale(item);
            var embedding = ReadEmbedding(item, sale);
            var more = embedding is null ? [] : ReadMorePhotos(item, sale);
            yield return new SaleWithPhotos(sale, embedding) { MorePhotos = more };
        }
    }

    public async Task<IReadOnlyList<TenantId>> GetTenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var item in QueryAllAsync(RegistryQuery(TenantRegistryPk), cancellationToken))
        {
            if (OptionalString(item, TenantIdAttribute) is { } tenant)
            {
                tenants.Add(tenant);
            }
        }

        return [.. tenants.Select(t => new TenantId(t))];
    }

    public async Task<IReadOnlyList<string>> GetCategoriesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        var categories = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var item in QueryAllAsync(RegistryQuery(CategoryRegistryPk(tenant)), cancellationToken))
        {
            if (OptionalString(item, Category) is { } category)
            {
                categories.Add(category);
            }
        }

        return [.. categories];
    }

    public Task<long> CountSalesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        return CountSalesAsync(new SalesQuery { Tenant = tenant }, cancellationToken);
    }

    private static SaleWithPhotos[] Plain(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales)
    {
        ArgumentNullException.ThrowIfNull(sales);
        return [.. sales.Select(s => new SaleWithPhotos(s.Sale, s.Embedding))];
    }

    private async Task<bool[]> AddManyAsync(IReadOnlyList<SaleWithPhotos> sales, bool withOutbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sales);
        // Everything is checked before anything is written: one bad row refuses the whole call and loses nothing.
        foreach (var entry in sales)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(sales));
            Validate(entry.Sale, entry.Embedding);
            entry.Validate();
        }

        var added = new bool[sales.Count];
        if (sales.Count == 0)
        {
            return added;
        }

        await RegisterAsync(sales, cancellationToken);

        // The same sale id twice in one call: the first one is written, the others are duplicates (as in one SQLite transaction).
        var seen = new HashSet<(string, string)>();
        var toWrite = Enumerable.Range(0, sales.Count).Where(i => seen.Add((sales[i].Sale.Tenant.Value, sales[i].Sale.SaleId))).ToList();
        var enqueuedMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await Parallel.ForEachAsync(toWrite, new ParallelOptions { MaxDegreeOfParallelism = _options.WriteConcurrency, CancellationToken = cancellationToken },
            async (i, token) => added[i] = await PutSaleAsync(sales[i], withOutbox ? enqueuedMs : null, token));
        return added;
    }

    /// <summary>Claims the sale id (guard item), then puts the sale; true when this call wrote it.</summary>
    private async Task<bool> PutSaleAsync(SaleWithPhotos entry, long? outboxEnqueuedMs, CancellationToken cancellationToken)
    {
        var sale = entry.Sale;
        var ttl = TtlOf(sale);
        var salePk = SalePartitionKey(sale.Tenant, sale.ProductId);
        var saleSk = SaleSortKey(sale.SoldAt, sale.SaleId);
        var guardKey = Key(GuardPartitionKey(sale.Tenant, sale.SaleId), GuardSortKey);
        var guard = new Dictionary<string, AttributeValue>(guardKey, StringComparer.Ordinal)
        {
            [Entity] = Str(GuardEntity),
            [TenantIdAttribute] = Str(sale.Tenant.Value),
            [SaleId] = Str(sale.SaleId),
            [SalePk] = Str(salePk),
            [SaleSk] = Str(saleSk),
            [SaleDate] = Str(SalesKeys.Timestamp(sale.SoldAt)),
            [Ttl] = Num(ttl),
        };
        if (!await TryPutAsync(guard, cancellationToken))
        {
            var existing = await GetItemAsync(guardKey, cancellationToken);
            if (existing is null || OptionalString(existing, SalePk) != salePk || OptionalString(existing, SaleSk) != saleSk)
            {
                return false;
            }
        }

        var item = SaleItem.From(sale, entry.Embedding, ttl, entry.MorePhotos);
        // The change feed's stamp, taken just before the put; a follower's overlap covers the put and the index propagation.
        var writtenMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        item[FeedPk] = Str(FeedShardKey(OutboxShardOf(sale.Tenant, sale.SaleId, _options.FeedShards)));
        item[FeedSk] = Str(FeedSortKey(writtenMs, sale.Tenant, sale.SaleId));
        if (outboxEnqueuedMs is { } enqueuedMs)
        {
            var shard = OutboxShardOf(sale.Tenant, sale.SaleId, _options.OutboxShards);
            item[OutboxPending] = Num(1);
            item[OutboxEnqueuedMs] = Num(enqueuedMs);
            item[OutboxPk] = Str(OutboxShardKey(shard));
            item[OutboxSk] = Str(OutboxSortKey(enqueuedMs, sale.Tenant, sale.SaleId));
        }

        return await TryPutAsync(item, cancellationToken);
    }

    private async Task<bool> TryPutAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = item,
                ConditionExpression = NotExistsOrExpired,
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk, ["#ttl"] = Ttl },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = Num(NowSeconds()) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Registry items for <see cref="GetTenantsAsync"/> and <see cref="GetCategoriesAsync"/>: one per tenant (and per tenant and
    /// category) and expiry month, living until that month ends. Idempotent unconditional puts, so BatchWriteItem; each is
    /// written once per process. Written before the sales, so a crash cannot leave a live sale unlisted.
    /// </summary>
    private async Task RegisterAsync(IReadOnlyList<SaleWithPhotos> sales, CancellationToken cancellationToken)
    {
        var now = NowSeconds();
        var requests = new List<WriteRequest>();
        var keys = new List<string>();
        foreach (var sale in sales.Select(s => s.Sale))
        {
            var expiry = DateTimeOffset.FromUnixTimeSeconds(TtlOf(sale));
            var month = expiry.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var markerTtl = new DateTimeOffset(expiry.Year, expiry.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).ToUnixTimeSeconds();
            if (markerTtl <= now)
            {
                continue;
            }

            var tenantSk = TenantRegistrySk(sale.Tenant, month);
            if (_registered.TryAdd(TenantRegistryPk + "|" + tenantSk, 0))
            {
                keys.Add(TenantRegistryPk + "|" + tenantSk);
                requests.Add(Put(TenantRegistryPk, tenantSk, TenantIdAttribute, sale.Tenant.Value, markerTtl));
            }

            var categoryPk = CategoryRegistryPk(sale.Tenant);
            var categorySk = CategoryRegistrySk(sale.Category, month);
            if (_registered.TryAdd(categoryPk + "|" + categorySk, 0))
            {
                keys.Add(categoryPk + "|" + categorySk);
                requests.Add(Put(categoryPk, categorySk, Category, sale.Category, markerTtl));
            }
        }

        if (requests.Count == 0)
        {
            return;
        }

        try
        {
            await DynamoDbBatches.WriteAsync(_client, TableName, requests, cancellationToken);
        }
        catch
        {
            foreach (var key in keys)
            {
                _registered.TryRemove(key, out _);
            }

            throw;
        }

        static WriteRequest Put(string pk, string sk, string attribute, string value, long ttl) => new()
        {
            PutRequest = new PutRequest
            {
                Item = new Dictionary<string, AttributeValue>(Key(pk, sk), StringComparer.Ordinal)
                {
                    [Entity] = Str(RegistryEntity),
                    [attribute] = Str(value),
                    [SalesIntelligenceTable.Ttl] = Num(ttl),
                },
            },
        };
    }

    private QueryRequest RegistryQuery(string pk) => new()
    {
        TableName = TableName,
        KeyConditionExpression = "#pk = :pk",
        FilterExpression = "#ttl > :now",
        ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk, ["#ttl"] = Ttl },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(pk), [":now"] = Num(NowSeconds()) },
    };

    /// <summary>The live sale item of (tenant, sale id), found through its guard: two strongly consistent reads.</summary>
    private async Task<Dictionary<string, AttributeValue>?> FindLiveSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        if (saleId.Length > MaxIdBytes)
        {
            return null;
        }

        var now = NowSeconds();
        var guard = await GetItemAsync(Key(GuardPartitionKey(tenant, saleId), GuardSortKey), cancellationToken);
        if (guard is null || !IsLive(guard, now) || OptionalString(guard, SalePk) is not { } pk || OptionalString(guard, SaleSk) is not { } sk)
        {
            return null;
        }

        var item = await GetItemAsync(Key(pk, sk), cancellationToken);
        return item is not null && IsLive(item, now) && OptionalString(item, TenantIdAttribute) == tenant.Value && OptionalString(item, SaleId) == saleId
            ? item
            : null;
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(new GetItemRequest { TableName = TableName, Key = key, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryAllAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            request.ExclusiveStartKey = start;
            var response = await _client.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
    }

    private async Task<long> CountAllAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        request.Select = Select.COUNT;
        long count = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            request.ExclusiveStartKey = start;
            var response = await _client.QueryAsync(request, cancellationToken);
            count += response.Count ?? 0;
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return count;
    }

    private StoredEmbedding? ReadEmbedding(Dictionary<string, AttributeValue> item, SaleRecord sale)
    {
        if (!TryGetEmbeddingBytes(item, out var bytes, out var model, out var dimension))
        {
            return null;
        }

        if (EmbeddingCodec.TryDecode(model, dimension, bytes, out var embedding))
        {
            return embedding;
        }

        LogCorruptEmbedding(_logger, sale.Tenant.Value, sale.SaleId, bytes.Length, dimension, model);
        return null;
    }

    /// <summary>A tenant's live sales, oldest first, on GSI-4 (every attribute projected).</summary>
    private QueryRequest LiveSalesByDate(TenantId tenant) => new()
    {
        TableName = TableName,
        IndexName = Gsi4,
        KeyConditionExpression = "#pk = :pk",
        FilterExpression = "#ttl > :now",
        ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Gsi4Pk, ["#ttl"] = Ttl },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(Gsi4PartitionKey(tenant)), [":now"] = Num(NowSeconds()) },
        ScanIndexForward = true,
    };

    private List<StoredEmbedding> ReadMorePhotos(Dictionary<string, AttributeValue> item, SaleRecord sale)
    {
        var photos = new List<StoredEmbedding>();
        foreach (var (bytes, model, dimension) in MorePhotoBytes(item))
        {
            if (EmbeddingCodec.TryDecode(model, dimension, bytes, out var photo) && photo is not null)
            {
                photos.Add(photo);
            }
            else
            {
                LogCorruptEmbedding(_logger, sale.Tenant.Value, sale.SaleId, bytes.Length, dimension, model);
            }
        }

        return photos;
    }

    private long TtlOf(SaleRecord sale) => sale.SoldAt.Add(_options.RetentionPeriod).ToUnixTimeSeconds();

    private long NowSeconds() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    private static void RequireTenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Sale {TenantId}/{SaleId} has an unreadable embedding ({Length} bytes, dimension {Dimension}, model {ModelId}); returned without it")]
    private static partial void LogCorruptEmbedding(ILogger logger, string tenantId, string saleId, int length, long dimension, string? modelId);
}
