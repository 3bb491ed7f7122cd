using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Local.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

public sealed class SqliteSalesStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Now);
    private SqliteSalesStore? _lazyStore;
    private static readonly CancellationToken Ct = CancellationToken.None;


    private SqliteSalesStore Store => _lazyStore ??= new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = DbPath }, _time);

    private string DbPath => Path.Combine(_folder.Path, "db", "sales.db");

    public void Dispose()
    {
        _lazyStore?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task RoundTripsEveryFieldWithExactPriceAndEmbeddingBytes()
    {
        var sale = Sale("acme", "s1", 12345.670m, Utc(2025, 11, 3).AddTicks(1234567)) with { Condition = ItemCondition.NewWithTags };
        var vector = new[] { 0.1f, -0f, float.Epsilon, float.MaxValue, -3.25f, 1e-20f };
        var embedding = new StoredEmbedding("resnet18-v1", vector);

        Assert.True(await Store.AddSaleAsync(sale, embedding, Ct));

        var read = Assert.Single(await Store.QuerySalesAsync(new SalesQuery { Tenant = sale.Tenant }, Ct));
        Assert.Equal(sale, read);
        Assert.Equal("12345.670", read.SoldPrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.Zero, read.SoldAt.Offset);

        var (streamed, streamedEmbedding) = Assert.Single(await ToListAsync(Store.StreamSalesAsync(sale.Tenant, Ct)));
        Assert.Equal(sale, streamed);
        Assert.NotNull(streamedEmbedding);
        Assert.Equal("resnet18-v1", streamedEmbedding.ModelId);
        Assert.Equal(MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(), MemoryMarshal.AsBytes(streamedEmbedding.Vector.AsSpan()).ToArray());
    }

    [Fact]
    public async Task StoresTheSeedsLogicalKeys()
    {
        var sale = Sale("acme", "s1", 12345.67m, Utc(2025, 5, 3), category: "bags", brand: "coach", productId: "p9");
        await Store.AddSaleAsync(sale, new StoredEmbedding("m", [1f]), Ct);

        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, sold_price, ttl FROM sales";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("TENANT#acme#PRODUCT#p9", reader.GetString(0));
        Assert.Equal("SALE#2025-05-03T12:00:00.0000000Z#s1", reader.GetString(1));
        Assert.Equal("TENANT#acme#CATEGORY#bags#SEASON#Q2", reader.GetString(2));
        Assert.Equal("SALEPRICE#000000012345.67#DATE#2025-05-03T12:00:00.0000000Z", reader.GetString(3));
        Assert.Equal("TENANT#acme#EMBEDDING_ACTIVE", reader.GetString(4));
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z", reader.GetString(5));
        Assert.Equal("TENANT#acme#BRAND#coach", reader.GetString(6));
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z", reader.GetString(7));
        Assert.Equal("12345.67", reader.GetString(8));
        Assert.Equal(Utc(2025, 5, 3).AddDays(730).ToUnixTimeSeconds(), reader.GetInt64(9));
    }

    [Fact]
    public async Task AddingTheSameSaleIdTwiceChangesNothing()
    {
        var sale = Sale("acme", "s1", 10m, Utc(2025, 6, 1));
        Assert.True(await Store.AddSaleAsync(sale, null, Ct));
        Assert.False(await Store.AddSaleAsync(sale with { SoldPrice = 99m, ProductId = "other" }, null, Ct));

        var added = await Store.AddSalesAsync([(sale, null), (Sale("acme", "s2", 20m, Utc(2025, 6, 2)), null), (Sale("acme", "s2", 20m, Utc(2025, 6, 2)), null)], Ct);

        Assert.Equal(1, added);
        Assert.Equal(2, await Store.CountSalesAsync(sale.Tenant, Ct));
        Assert.Equal(10m, (await Store.QuerySalesAsync(new SalesQuery { Tenant = sale.Tenant, ProductId = "p-s1" }, Ct)).Single().SoldPrice);
        Assert.True(await Store.ContainsSaleAsync(sale.Tenant, "s1", Ct));
        Assert.False(await Store.ContainsSaleAsync(sale.Tenant, "s3", Ct));
    }

    [Fact]
    public async Task QueryAppliesEveryFilterAndPagesNewestFirst()
    {
        var tenant = new TenantId("acme");
        await Store.AddSalesAsync(
        [
            (Sale("acme", "a", 10m, Utc(2025, 1, 10), "dresses", "zara", "p1"), null),
            (Sale("acme", "b", 20m, Utc(2025, 2, 10), "dresses", "mango", "p1"), null),
            (Sale("acme", "c", 30m, Utc(2025, 3, 10), "shoes", "zara", "p2"), null),
            (Sale("acme", "d", 40m, Utc(2025, 4, 10), "dresses", null, "p3"), null),
            (Sale("acme", "e", 50m, Utc(2025, 5, 10), "dresses", "zara", "p4"), null),
        ], Ct);

        async Task<string> Ids(SalesQuery q) => string.Concat((await Store.QuerySalesAsync(q, Ct)).Select(s => s.SaleId));

        Assert.Equal("edcba", await Ids(new SalesQuery { Tenant = tenant }));
        Assert.Equal("edba", await Ids(new SalesQuery { Tenant = tenant, Category = "dresses" }));
        Assert.Equal("eca", await Ids(new SalesQuery { Tenant = tenant, Brand = "zara" }));
        Assert.Equal("ea", await Ids(new SalesQuery { Tenant = tenant, Brand = "zara", Category = "dresses" }));
        Assert.Equal("ba", await Ids(new SalesQuery { Tenant = tenant, ProductId = "p1" }));
        Assert.Equal("dcb", await Ids(new SalesQuery { Tenant = tenant, SoldFrom = Utc(2025, 2, 10), SoldTo = Utc(2025, 4, 10) }));
        Assert.Equal("dc", await Ids(new SalesQuery { Tenant = tenant, Limit = 2, Offset = 1 }));
        Assert.Equal("", await Ids(new SalesQuery { Tenant = tenant, Offset = 5 }));
        Assert.Equal(["dresses", "shoes"], await Store.GetCategoriesAsync(tenant, Ct));
    }

    [Fact]
    public async Task SalesPastRetentionAreNotReturned()
    {
        var tenant = new TenantId("acme");
        await Store.AddSaleAsync(Sale("acme", "old", 10m, Now.AddDays(-731)), new StoredEmbedding("m", [1f]), Ct);
        await Store.AddSaleAsync(Sale("acme", "edge", 20m, Now.AddDays(-729)), new StoredEmbedding("m", [1f]), Ct);
        await Store.AddSaleAsync(Sale("acme", "new", 30m, Now.AddDays(-1)), new StoredEmbedding("m", [1f]), Ct);

        Assert.Equal(["new", "edge"], (await Store.QuerySalesAsync(new SalesQuery { Tenant = tenant }, Ct)).Select(s => s.SaleId));
        Assert.Equal(2, await Store.CountSalesAsync(tenant, Ct));
        Assert.False(await Store.ContainsSaleAsync(tenant, "old", Ct));

        _time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(["new"], (await ToListAsync(Store.StreamSalesAsync(tenant, Ct))).Select(s => s.Sale.SaleId));
        Assert.Equal(2, await Store.PurgeExpiredAsync(Ct));
        Assert.Equal(1, await Store.CountSalesAsync(tenant, Ct));
    }

    [Fact]
    public async Task AnotherTenantsSalesAreNeverReturned()
    {
        await Store.AddSaleAsync(Sale("acme", "s1", 10m, Utc(2025, 6, 1), "dresses"), new StoredEmbedding("m", [1f]), Ct);
        Assert.True(await Store.AddSaleAsync(Sale("acme-2", "s1", 20m, Utc(2025, 6, 1), "shoes"), new StoredEmbedding("m", [2f]), Ct));
        var acme = new TenantId("acme");

        Assert.Equal([10m], (await Store.QuerySalesAsync(new SalesQuery { Tenant = acme }, Ct)).Select(s => s.SoldPrice));
        Assert.Equal([10m], (await ToListAsync(Store.StreamSalesAsync(acme, Ct))).Select(s => s.Sale.SoldPrice));
        Assert.Equal(["dresses"], await Store.GetCategoriesAsync(acme, Ct));
        Assert.Equal(1, await Store.CountSalesAsync(acme, Ct));
        Assert.Empty(await Store.QuerySalesAsync(new SalesQuery { Tenant = new TenantId("nobody") }, Ct));
        Assert.Equal([acme, new TenantId("acme-2")], await Store.GetTenantsAsync(Ct));
    }

    [Fact]
    public async Task StreamsEverySaleOldestFirstWithItsEmbeddingWhenItHasOne()
    {
        var tenant = new TenantId("acme");
        await Store.AddSaleAsync(Sale("acme", "late", 10m, Utc(2025, 6, 3)), new StoredEmbedding("m", [1f, 2f]), Ct);
        await Store.AddSaleAsync(Sale("acme", "none", 10m, Utc(2025, 6, 2)), null, Ct);
        await Store.AddSaleAsync(Sale("acme", "early", 10m, Utc(2025, 6, 1)), new StoredEmbedding("m", [3f, 4f]), Ct);

        var streamed = await ToListAsync(Store.StreamSalesAsync(tenant, Ct));

        Assert.Equal(["early", "none", "late"], streamed.Select(s => s.Sale.SaleId));
        Assert.Equal([3f, 4f], streamed[0].Embedding!.Vector);
        Assert.Null(streamed[1].Embedding);
    }

    [Fact]
    public async Task CorruptEmbeddingBlobIsSkippedAndTheSaleStillReturned()
    {
        var tenant = new TenantId("acme");
        await Store.AddSaleAsync(Sale("acme", "good", 10m, Utc(2025, 6, 1)), new StoredEmbedding("m", [1f, 2f, 3f]), Ct);
        await Store.AddSaleAsync(Sale("acme", "short", 10m, Utc(2025, 6, 2)), new StoredEmbedding("m", [1f, 2f, 3f]), Ct);
        await Store.AddSaleAsync(Sale("acme", "nomodel", 10m, Utc(2025, 6, 3)), new StoredEmbedding("m", [1f, 2f, 3f]), Ct);
        await using (var connection = new SqliteConnection($"Data Source={DbPath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText =
                "UPDATE sales SET embedding = x'0102030405' WHERE sale_id = 'short';" +
                "UPDATE sales SET embedding_model = NULL WHERE sale_id = 'nomodel';";
            await command.ExecuteNonQueryAsync();
        }

        var streamed = await ToListAsync(Store.StreamSalesAsync(tenant, Ct));

        Assert.Equal(["good", "short", "nomodel"], streamed.Select(s => s.Sale.SaleId));
        Assert.Equal([1f, 2f, 3f], streamed[0].Embedding!.Vector);
        Assert.Null(streamed[1].Embedding);
        Assert.Null(streamed[2].Embedding);
    }

    [Fact]
    public async Task ConcurrentAddsFromSeveralTasksInsertEachSaleOnce()
    {
        var tenant = new TenantId("acme");
        // 8 writers, each adding the same 60 sale ids (so every id races 8 ways), half singly and half in batches.
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var inserted = 0;
            for (var i = 0; i < 30; i++)
            {
                inserted += await Store.AddSaleAsync(Sale("acme", $"s{(i + w * 7) % 30}", i, Utc(2025, 6, 1)), null, Ct) ? 1 : 0;
            }

            var batch = Enumerable.Range(30, 30).Select(i => (Sale("acme", $"s{i}", i, Utc(2025, 6, 2)), (StoredEmbedding?)null)).ToList();
            inserted += await Store.AddSalesAsync(batch, Ct);
            _ = await Store.QuerySalesAsync(new SalesQuery { Tenant = tenant, Limit = 10 }, Ct);
            return inserted;
        })).ToArray();

        var total = (await Task.WhenAll(tasks)).Sum();

        Assert.Equal(60, total);
        Assert.Equal(60, await Store.CountSalesAsync(tenant, Ct));
    }

    [Fact]
    public async Task SchemaIsCreatedOnceAcrossInstances()
    {
        await Store.AddSaleAsync(Sale("acme", "s1", 10m, Utc(2025, 6, 1)), null, Ct);
        using (var second = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = DbPath }, _time))
        {
            Assert.Equal(1, await second.CountSalesAsync(new TenantId("acme"), Ct));
        }

        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(version) FROM schema_migrations; ";
        Assert.Equal("1,2", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task BulkAddWritesTenThousandRowsAndSkipsTheOnesAlreadyThere()
    {
        var vector = new float[512];
        var rows = Enumerable.Range(0, 10_000)
            .Select(i => (Sale("acme", $"s{i}", i + 0.99m, Utc(2025, 1, 1).AddMinutes(i)), (StoredEmbedding?)new StoredEmbedding("m", vector)))
            .ToList();
        await Store.CountSalesAsync(new TenantId("acme"), Ct); // schema first

        var added = await Store.AddSalesAsync(rows, Ct);
        var addedAgain = await Store.AddSalesAsync(rows[..100], Ct);

        Assert.Equal(10_000, added);
        Assert.Equal(0, addedAgain);
        Assert.Equal(10_000, await Store.CountSalesAsync(new TenantId("acme"), Ct));
    }

    [Fact]
    public async Task RejectsAMissingTenant()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CountSalesAsync(default(TenantId), Ct));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
