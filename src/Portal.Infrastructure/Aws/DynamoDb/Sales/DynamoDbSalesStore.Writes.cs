using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>Writing sales: the guard item then the conditional sale put, batches, embedding replacement and the registry of tenants and categories.</summary>
public sealed partial class DynamoDbSalesStore
{
    private const string NotExistsOrExpired = "attribute_not_exists(#pk) OR #ttl <= :now";

    public async Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken) =>
        (await AddManyAsync([new SaleWithPhotos(sale, embedding)], withOutbox: false, cancellationToken))[0];

    public async Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken) =>
        (await AddManyAsync(Plain(sales), withOutbox: false, cancellationToken)).Count(added => added);

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
        void RegisterOnce(string pk, string sk, string attribute, string value, long ttl)
        {
            if (_registered.TryAdd(pk + "|" + sk, 0))
            {
                keys.Add(pk + "|" + sk);
                requests.Add(RegistryPut(pk, sk, attribute, value, ttl));
            }
        }

        foreach (var sale in sales.Select(s => s.Sale))
        {
            var expiry = DateTimeOffset.FromUnixTimeSeconds(TtlOf(sale));
            var month = expiry.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var markerTtl = new DateTimeOffset(expiry.Year, expiry.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).ToUnixTimeSeconds();
            if (markerTtl > now)
            {
                RegisterOnce(TenantRegistryPk, TenantRegistrySk(sale.Tenant, month), TenantIdAttribute, sale.Tenant.Value, markerTtl);
                RegisterOnce(CategoryRegistryPk(sale.Tenant), CategoryRegistrySk(sale.Category, month), Category, sale.Category, markerTtl);
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
            // Not written: the next write of these sales tries again.
            foreach (var key in keys)
            {
                _registered.TryRemove(key, out _);
            }

            throw;
        }
    }

    private static WriteRequest RegistryPut(string pk, string sk, string attribute, string value, long ttl) => new()
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

    private QueryRequest RegistryQuery(string pk) => new()
    {
        TableName = TableName,
        KeyConditionExpression = "#pk = :pk",
        FilterExpression = "#ttl > :now",
        ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk, ["#ttl"] = Ttl },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(pk), [":now"] = Num(NowSeconds()) },
    };
}
