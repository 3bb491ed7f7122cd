using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>A sale as a DynamoDB item and back; the embedding is a Binary attribute (float32 little-endian) with model and dimension.</summary>
internal static class SaleItem
{
    public static Dictionary<string, AttributeValue> From(SaleRecord sale, StoredEmbedding? embedding, long ttl, IReadOnlyList<StoredEmbedding>? morePhotos = null)
    {
        var tenant = sale.Tenant;
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [Pk] = Str(SalePartitionKey(tenant, sale.ProductId)),
            [Sk] = Str(SaleSortKey(sale.SoldAt, sale.SaleId)),
            [Entity] = Str(SaleEntity),
            [Gsi1Pk] = Str(SalesKeys.Gsi1Pk(tenant, sale.Category, sale.Season)),
            [Gsi1Sk] = Str(SalesKeys.Gsi1Sk(sale.SoldPrice, sale.SoldAt)),
            [Gsi4Pk] = Str(Gsi4PartitionKey(tenant)),
            [Gsi4Sk] = Str(Gsi4SortKey(sale.SoldAt, sale.SaleId)),
            [TenantIdAttribute] = Str(tenant.Value),
            [ProductId] = Str(sale.ProductId),
            [SaleId] = Str(sale.SaleId),
            [Category] = Str(sale.Category),
            [SalePrice] = Num(sale.SoldPrice.ToString(CultureInfo.InvariantCulture)),
            // DynamoDB normalises numbers (12.50 comes back as 12.5): the exact decimal, scale included, is kept as text too.
            [SalePriceText] = Str(sale.SoldPrice.ToString(CultureInfo.InvariantCulture)),
            [SaleCurrency] = Str(sale.Currency),
            [SaleDate] = Str(SalesKeys.Timestamp(sale.SoldAt)),
            [SoldAtMs] = Num(sale.SoldAt.ToUnixTimeMilliseconds()),
            [Season] = Str(sale.Season),
            [Source] = Str(sale.Source),
            [Ttl] = Num(ttl),
        };
        if (sale.Brand is not null)
        {
            item[Brand] = Str(sale.Brand);
            item[Gsi3Pk] = Str(SalesKeys.Gsi3Pk(tenant, sale.Brand));
            item[Gsi3Sk] = Str(SalesKeys.DateSk(sale.SoldAt));
        }

        SetIfNotNull(item, ConditionAttribute, sale.Condition?.ToWireName());
        SetIfNotNull(item, Title, sale.Title);
        SetIfNotNull(item, Description, sale.Description);
        SetIfNotNull(item, ImageKey, sale.ImageKey);
        if (embedding is not null)
        {
            foreach (var (name, value) in EmbeddingAttributes(embedding, sale.SoldAt, tenant))
            {
                item[name] = value;
            }
        }

        if (morePhotos is { Count: > 0 })
        {
            // On the sale item itself (≤ 4 × 4 KB at 1024 dimensions): written by the same conditional put, read by every query.
            item[MorePhotos] = new AttributeValue
            {
                L = [.. morePhotos.Select(p => new AttributeValue
                {
                    M = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
                    {
                        [Embedding] = new() { B = new MemoryStream(EmbeddingCodec.Encode(p.Vector)) },
                        [EmbeddingModel] = Str(p.ModelId),
                        [EmbeddingDim] = Num(p.Dimension),
                    },
                })],
            };
        }

        return item;
    }

    /// <summary>The raw further photos of an item, in order (model, dimension, bytes); empty when it has none.</summary>
    public static IEnumerable<(byte[] Bytes, string? Model, long Dimension)> MorePhotoBytes(Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(MorePhotos, out var list) || list.L is not { Count: > 0 } photos)
        {
            yield break;
        }

        foreach (var photo in photos)
        {
            if (photo.M is { } map && map.TryGetValue(Embedding, out var bytes) && bytes.B is not null)
            {
                yield return (bytes.B.ToArray(), OptionalString(map, EmbeddingModel), LongOf(map, EmbeddingDim));
            }
        }
    }

    /// <summary>The embedding and the sparse GSI-2 keys that make the sale "embedding-active".</summary>
    public static IEnumerable<(string Name, AttributeValue Value)> EmbeddingAttributes(StoredEmbedding embedding, DateTimeOffset soldAt, TenantId tenant)
    {
        yield return (Embedding, new AttributeValue { B = new MemoryStream(EmbeddingCodec.Encode(embedding.Vector)) });
        yield return (EmbeddingModel, Str(embedding.ModelId));
        yield return (EmbeddingDim, Num(embedding.Dimension));
        yield return (Gsi2Pk, Str(SalesKeys.Gsi2Pk(tenant)));
        yield return (Gsi2Sk, Str(SalesKeys.DateSk(soldAt)));
    }

    public static SaleRecord ToSale(Dictionary<string, AttributeValue> item) => new()
    {
        Tenant = new TenantId(item[TenantIdAttribute].S),
        ProductId = item[ProductId].S,
        SaleId = item[SaleId].S,
        Category = item[Category].S,
        Brand = OptionalString(item, Brand),
        Condition = OptionalString(item, ConditionAttribute) is { } wire && ItemConditions.TryParse(wire, out var condition) ? condition : null,
        Title = OptionalString(item, Title),
        Description = OptionalString(item, Description),
        SoldPrice = decimal.Parse(OptionalString(item, SalePriceText) ?? item[SalePrice].N, NumberStyles.Number, CultureInfo.InvariantCulture),
        Currency = item[SaleCurrency].S,
        SoldAt = new DateTimeOffset(DateTime.Parse(item[SaleDate].S, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)),
        ImageKey = OptionalString(item, ImageKey),
        Source = OptionalString(item, Source) ?? "import",
    };

    /// <summary>The raw embedding of an item: false when it has none.</summary>
    public static bool TryGetEmbeddingBytes(Dictionary<string, AttributeValue> item, out byte[] bytes, out string? model, out long dimension)
    {
        bytes = [];
        model = OptionalString(item, EmbeddingModel);
        dimension = item.TryGetValue(EmbeddingDim, out var dim) && dim.N is { } n && long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : 0;
        if (!item.TryGetValue(Embedding, out var value) || value.B is null)
        {
            return false;
        }

        bytes = value.B.ToArray();
        return true;
    }

    public static long SoldAtMsOf(Dictionary<string, AttributeValue> item) =>
        long.Parse(item[SoldAtMs].N, NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static long LongOf(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture) : 0;

    public static string? OptionalString(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static bool IsLive(Dictionary<string, AttributeValue> item, long nowSeconds) => LongOf(item, Ttl) > nowSeconds;

    public static AttributeValue Str(string value) => new() { S = value };

    public static AttributeValue Num(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Num(string value) => new() { N = value };

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new(StringComparer.Ordinal) { [Pk] = Str(pk), [Sk] = Str(sk) };

    /// <summary>The domain checks, then what a DynamoDB key cannot hold (length, control characters), naming the field.</summary>
    public static void Validate(SaleRecord sale, StoredEmbedding? embedding)
    {
        SaleRecord.ThrowIfInvalid(sale, embedding);
        ValidateId(sale.ProductId, nameof(sale.ProductId));
        ValidateId(sale.SaleId, nameof(sale.SaleId));
        ValidateId(sale.Category, nameof(sale.Category));
        if (sale.Brand is not null)
        {
            ValidateId(sale.Brand, nameof(sale.Brand));
        }
    }

    public static void ValidateId(string? value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (Encoding.UTF8.GetByteCount(value) > MaxIdBytes)
        {
            throw new ArgumentException($"{name} is longer than {MaxIdBytes} bytes (UTF-8), too long for a DynamoDB key.", name);
        }

        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"{name} contains a control character.", name);
        }
    }

    private static void SetIfNotNull(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = Str(value);
        }
    }
}
