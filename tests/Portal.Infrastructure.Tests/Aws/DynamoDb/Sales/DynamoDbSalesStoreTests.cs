using System.Runtime.InteropServices;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Tests.Storage;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The sales store contract against dynalite (a real DynamoDB-compatible server), plus the item layout itself.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbSalesStoreTests(DynaliteFixture dynalite) : SalesStoreContract
{
    private string? _table;

    private DynamoDbSalesOptions Options { get; } = new();

    protected override async Task InitializeStorageAsync() => _table = await dynalite.CreateSalesTableAsync();

    protected override Task DisposeStorageAsync() => dynalite.DeleteTableAsync(_table);

    protected override ISalesStore CreateStore(TimeProvider timeProvider) => new DynamoDbSalesStore(dynalite.Client, _table!, Options, timeProvider);

    protected override async Task CorruptEmbeddingAsync(string saleId, bool truncate)
    {
        var key = await SaleKeyAsync(saleId);
        await dynalite.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = key,
            UpdateExpression = truncate ? "SET embedding = :bytes" : "REMOVE embedding_model",
            ExpressionAttributeValues = truncate ? new Dictionary<string, AttributeValue> { [":bytes"] = new() { B = new MemoryStream([1, 2, 3, 4, 5]) } } : null,
        });
    }

    [Fact]
    public async Task StoresTheSeedsKeysAndTheEmbeddingAsFloat32LittleEndianBinary()
    {
        var vector = new[] { 1.5f, -0f, float.NaN, float.Epsilon, -3.25e-12f };
        var sale = Sale("acme", "s1", 12345.67m, Utc(2025, 5, 3), category: "bags", brand: "coach", productId: "p9");
        await Store.AddSaleAsync(sale, new StoredEmbedding("titan", vector), Ct);

        var item = await RawAsync("TENANT#acme#PRODUCT#p9", "SALE#2025-05-03T12:00:00.0000000Z#s1");

        Assert.Equal("TENANT#acme#CATEGORY#bags#SEASON#Q2", item["GSI1PK"].S);
        Assert.Equal("SALEPRICE#000000012345.67#DATE#2025-05-03T12:00:00.0000000Z", item["GSI1SK"].S);
        Assert.Equal("TENANT#acme#EMBEDDING_ACTIVE", item["GSI2PK"].S);
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z", item["GSI2SK"].S);
        Assert.Equal("TENANT#acme#BRAND#coach", item["GSI3PK"].S);
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z", item["GSI3SK"].S);
        Assert.Equal("TENANT#acme#SALES", item["GSI4PK"].S);
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z#s1", item["GSI4SK"].S);
        Assert.Equal(Utc(2025, 5, 3).AddDays(730).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["ttl"].N);
        Assert.Equal("titan", item["embedding_model"].S);
        Assert.Equal("5", item["embedding_dim"].N);
        Assert.Equal(MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(), item["embedding"].B.ToArray());
        Assert.False(item.ContainsKey("outbox_pending"));

        var (_, streamed) = Assert.Single(await ToListAsync(Store.StreamSalesAsync(sale.Tenant, Ct)));
        Assert.Equal(MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(), MemoryMarshal.AsBytes(streamed!.Vector.AsSpan()).ToArray());
    }

    [Fact]
    public async Task ASaleWithoutEmbeddingOrBrandStaysOutOfTheSparseIndexes()
    {
        await Store.AddSaleAsync(Sale("acme", "s1", 10m, Utc(2025, 5, 3), brand: null, productId: "p1"), null, Ct);

        var item = await RawAsync("TENANT#acme#PRODUCT#p1", "SALE#2025-05-03T12:00:00.0000000Z#s1");

        Assert.False(item.ContainsKey("GSI2PK"));
        Assert.False(item.ContainsKey("GSI3PK"));
        Assert.False(item.ContainsKey("embedding"));
        Assert.Equal("TENANT#acme#SALES", item["GSI4PK"].S);
    }

    [Fact]
    public async Task AGuardLeftByACrashBeforeTheSalePutIsCompletedByTheRetryOfTheSameSale()
    {
        var sale = Sale("acme", "s1", 10m, Utc(2025, 5, 3), productId: "p1");
        // A writer claimed the sale id and died before putting the sale item.
        await dynalite.Client.PutItemAsync(new PutItemRequest
        {
            TableName = _table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = "TENANT#acme#SALEID#s1" }, ["sk"] = new() { S = "SALEID" }, ["entity"] = new() { S = "SALEID" },
                ["salePk"] = new() { S = "TENANT#acme#PRODUCT#p1" }, ["saleSk"] = new() { S = "SALE#2025-05-03T12:00:00.0000000Z#s1" },
                ["saleDate"] = new() { S = "2025-05-03T12:00:00.0000000Z" },
                ["ttl"] = new() { N = Utc(2025, 5, 3).AddDays(730).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        });
        Assert.Null(await Store.GetSaleAsync(sale.Tenant, "s1", Ct));

        Assert.False(await Store.AddSaleAsync(sale with { ProductId = "p2" }, null, Ct));
        Assert.True(await Store.AddSaleAsync(sale, null, Ct));
        Assert.False(await Store.AddSaleAsync(sale, null, Ct));
        Assert.Equal(sale, await Store.GetSaleAsync(sale.Tenant, "s1", Ct));
        Assert.Equal(1, await Store.CountSalesAsync(sale.Tenant, Ct));
    }

    [Fact]
    public async Task AnIdTooLongForADynamoDbKeyIsRefusedBeforeAnyWrite()
    {
        var tooLong = new string('x', 257);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSalesAsync(
            [(Sale("acme", "ok", 1m, Utc(2025, 5, 3)), null), (Sale("acme", tooLong, 1m, Utc(2025, 5, 3), productId: "p"), null)], Ct));

        Assert.Equal("SaleId", error.ParamName);
        Assert.Contains("256 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Store.CountSalesAsync(new TenantId("acme"), Ct));
        Assert.Null(await Store.GetSaleAsync(new TenantId("acme"), tooLong, Ct));
        Assert.Empty(await Store.QuerySalesAsync(new SalesQuery { Tenant = new TenantId("acme"), ProductId = tooLong }, Ct));
    }

    [Fact]
    public async Task AQueryThatWouldSortTooManySalesInMemoryIsRefusedNamingTheSetting()
    {
        var store = new DynamoDbSalesStore(dynalite.Client, _table!, new DynamoDbSalesOptions { MaxQueryRows = 100 }, Time);
        await store.AddSalesAsync([.. Enumerable.Range(0, 101).Select(i => (Sale("acme", $"s{i}", i, Utc(2025, 5, 3).AddMinutes(i)), (StoredEmbedding?)null))], Ct);
        var tenant = new TenantId("acme");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.QuerySalesAsync(new SalesQuery { Tenant = tenant, SortBy = SalesSort.Price }, Ct));

        Assert.Contains("Aws:DynamoDb:Sales:MaxQueryRows", error.Message, StringComparison.Ordinal);
        // By date, the index order is the page order: the same tenant pages without gathering everything.
        Assert.Equal(["s100", "s99"], (await store.QuerySalesAsync(new SalesQuery { Tenant = tenant, Limit = 2 }, Ct)).Select(s => s.SaleId));
        Assert.Equal(["s3", "s4"], (await store.QuerySalesAsync(new SalesQuery { Tenant = tenant, Limit = 2, Offset = 3, Descending = false }, Ct)).Select(s => s.SaleId));
    }

    [Fact]
    public async Task TenantsAndCategoriesAreListedFromRegistryItemsThatExpireWithTheMonthOfTheLastSale()
    {
        var time = new FakeTimeProvider(Now);
        var store = new DynamoDbSalesStore(dynalite.Client, _table!, Options, time);
        // Expires one day after "now" (2026-01-16): listed until the end of January.
        await store.AddSaleAsync(Sale("acme", "s1", 10m, Now.AddDays(-729), category: "bags"), null, Ct);

        Assert.Equal([new TenantId("acme")], await store.GetTenantsAsync(Ct));
        time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await store.CountSalesAsync(new TenantId("acme"), Ct));
        Assert.Equal(["bags"], await store.GetCategoriesAsync(new TenantId("acme"), Ct));
        time.Advance(TimeSpan.FromDays(16));

        Assert.Empty(await store.GetTenantsAsync(Ct));
        Assert.Empty(await store.GetCategoriesAsync(new TenantId("acme"), Ct));
    }

    private async Task<Dictionary<string, AttributeValue>> SaleKeyAsync(string saleId)
    {
        var guard = await RawAsync("TENANT#acme#SALEID#" + saleId, "SALEID");
        return new Dictionary<string, AttributeValue> { ["pk"] = new() { S = guard["salePk"].S }, ["sk"] = new() { S = guard["saleSk"].S } };
    }

    private async Task<Dictionary<string, AttributeValue>> RawAsync(string pk, string sk)
    {
        var response = await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = pk }, ["sk"] = new() { S = sk } },
            ConsistentRead = true,
        });
        Assert.True(response.Item is { Count: > 0 }, $"No item {pk} / {sk}.");
        return response.Item;
    }
}
