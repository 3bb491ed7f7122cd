using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>Reading sales: lookups, streams, tenants, categories and counts, paginated and filtered to live items; an item back into a sale with its photos.</summary>
public sealed partial class DynamoDbSalesStore
{
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

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Sale {TenantId}/{SaleId} has an unreadable embedding ({Length} bytes, dimension {Dimension}, model {ModelId}); returned without it")]
    private static partial void LogCorruptEmbedding(ILogger logger, string tenantId, string saleId, int length, long dimension, string? modelId);
}
