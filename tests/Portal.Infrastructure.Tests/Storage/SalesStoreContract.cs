using System.Runtime.InteropServices;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ISalesStore"/> must have, run against each adapter (SQLite file, DynamoDB on dynalite):
/// derive once per adapter and implement <see cref="CreateStore"/>; xunit runs every fact below against it.
/// </summary>
public abstract class SalesStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    private ISalesStore? _store;

    protected FakeTimeProvider Time { get; } = new(Now);

    protected ISalesStore Store => _store ??= CreateStore(Time);

    /// <summary>A new store instance over this test's storage: every instance of one test sees the same sales.</summary>
    protected abstract ISalesStore CreateStore(TimeProvider timeProvider);

    /// <summary>Creates this test's empty storage (a table, a file).</summary>
    protected virtual Task InitializeStorageAsync() => Task.CompletedTask;

    protected virtual Task DisposeStorageAsync() => Task.CompletedTask;

    /// <summary>Physically deletes expired sales when the adapter does it itself (SQLite); null when the service does (DynamoDB TTL).</summary>
    protected virtual Task<int?> PurgeExpiredAsync() => Task.FromResult<int?>(null);

    /// <summary>Damages a stored embedding behind the store's back: five bytes instead of the vector, or no model id.</summary>
    protected abstract Task CorruptEmbeddingAsync(string saleId, bool truncate);

    public Task InitializeAsync() => InitializeStorageAsync();

    public Task DisposeAsync() => DisposeStorageAsync();

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
    public async Task AddingTheSameSaleIdTwiceChangesNothing()
    {
        var sale = Sale("acme", "s1", 10m, Utc(2025, 6, 1));
        Assert.True(await Store.AddSaleAsync(sale, null, Ct));
        Assert.False(await Store.AddSaleAsync(sale with { SoldPrice = 99m, ProductId = "other" }, null, Ct));

        var added = await Store.AddSalesAsync([(sale, null), (Sale("acme", "s2", 20m, Utc(2025, 6, 2)), null), (Sale("acme", "s2", 20m, Utc(2025, 6, 2)), null)], Ct);

        Assert.Equal(1, added);
        Assert.Equal(2, await Store.CountSalesAsync(sale.Tenant, Ct));
        Assert.Equal(10m, (await Store.QuerySalesAsync(new SalesQuery { Tenant = sale.Tenant, ProductId = "p-s1" }, Ct)).Single().SoldPrice);
        Assert.Empty(await Store.QuerySalesAsync(new SalesQuery { Tenant = sale.Tenant, ProductId = "other" }, Ct));
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
        Assert.Null(await Store.GetSaleAsync(tenant, "old", Ct));

        Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(["new"], (await ToListAsync(Store.StreamSalesAsync(tenant, Ct))).Select(s => s.Sale.SaleId));
        if (await PurgeExpiredAsync() is { } purged)
        {
            Assert.Equal(2, purged);
        }

        Assert.Equal(1, await Store.CountSalesAsync(tenant, Ct));
        Assert.False(await Store.ReplaceEmbeddingAsync(tenant, "edge", new StoredEmbedding("m2", [2f]), Ct));
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
        Assert.Equal(10m, (await Store.GetSaleAsync(acme, "s1", Ct))!.SoldPrice);
        Assert.Null(await Store.GetSaleAsync(new TenantId("nobody"), "s1", Ct));
        Assert.False(await Store.ReplaceEmbeddingAsync(new TenantId("nobody"), "s1", new StoredEmbedding("m", [3f]), Ct));
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
        await CorruptEmbeddingAsync("short", truncate: true);
        await CorruptEmbeddingAsync("nomodel", truncate: false);

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
    public async Task BulkAddWritesManyRowsAndSkipsTheOnesAlreadyThere()
    {
        var vector = new float[64];
        var rows = Enumerable.Range(0, 260)
            .Select(i => (Sale("acme", $"s{i}", i + 0.99m, Utc(2025, 1, 1).AddMinutes(i), category: $"c{i % 7}"), (StoredEmbedding?)new StoredEmbedding("m", vector)))
            .ToList();

        var added = await Store.AddSalesAsync(rows, Ct);
        var addedAgain = await Store.AddSalesAsync(rows[..30], Ct);

        Assert.Equal(260, added);
        Assert.Equal(0, addedAgain);
        Assert.Equal(260, await Store.CountSalesAsync(new TenantId("acme"), Ct));
        Assert.Equal(260, (await ToListAsync(Store.StreamSalesAsync(new TenantId("acme"), Ct))).Count);
        Assert.Equal(7, (await Store.GetCategoriesAsync(new TenantId("acme"), Ct)).Count);
    }

    [Fact]
    public async Task RejectsAMissingTenant()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CountSalesAsync(default(TenantId), Ct));
    }

    [Fact]
    public async Task ReplaceEmbeddingSwapsTheVectorOfALiveSaleAndNothingElse()
    {
        var tenant = new TenantId("acme");
        var sale = Sale("acme", "s1", 10m, Utc(2025, 6, 1));
        await Store.AddSaleAsync(sale, null, Ct);

        Assert.True(await Store.ReplaceEmbeddingAsync(tenant, "s1", new StoredEmbedding("titan", [0.5f, -1.5f]), Ct));
        Assert.False(await Store.ReplaceEmbeddingAsync(tenant, "missing", new StoredEmbedding("titan", [1f]), Ct));
        Assert.False(await Store.ReplaceEmbeddingAsync(tenant, " ", new StoredEmbedding("titan", [1f]), Ct));

        var (streamed, embedding) = Assert.Single(await ToListAsync(Store.StreamSalesAsync(tenant, Ct)));
        Assert.Equal(sale, streamed);
        Assert.Equal("titan", embedding!.ModelId);
        Assert.Equal([0.5f, -1.5f], embedding.Vector);
    }

    [Fact]
    public async Task IdsWithSeparatorsOrPathTricksAreStoredAsDataAndNeverCollide()
    {
        var tenant = new TenantId("acme");
        var tricky = Sale("acme", "a#b", 11m, Utc(2025, 6, 1), category: "bags#SEASON#Q1", brand: "x#BRAND#y", productId: "../p#SALE#1");
        var plain = Sale("acme", "a", 12m, Utc(2025, 6, 1), category: "bags", brand: "x", productId: "..");
        var path = Sale("acme", "../x", 13m, Utc(2025, 6, 2), productId: "p/../../etc");

        Assert.Equal(3, await Store.AddSalesAsync([(tricky, null), (plain, null), (path, null)], Ct));

        Assert.Equal(tricky, await Store.GetSaleAsync(tenant, "a#b", Ct));
        Assert.Equal(plain, await Store.GetSaleAsync(tenant, "a", Ct));
        Assert.Equal(path, await Store.GetSaleAsync(tenant, "../x", Ct));
        Assert.Null(await Store.GetSaleAsync(tenant, "b", Ct));
        Assert.Equal(["a#b"], (await Store.QuerySalesAsync(new SalesQuery { Tenant = tenant, Category = "bags#SEASON#Q1" }, Ct)).Select(s => s.SaleId));
        Assert.Equal(["a"], (await Store.QuerySalesAsync(new SalesQuery { Tenant = tenant, Brand = "x" }, Ct)).Select(s => s.SaleId));
        Assert.Equal(["a#b"], (await Store.QuerySalesAsync(new SalesQuery { Tenant = tenant, ProductId = "../p#SALE#1" }, Ct)).Select(s => s.SaleId));
        Assert.Equal(["bags", "bags#SEASON#Q1", "dresses"], await Store.GetCategoriesAsync(tenant, Ct));
    }

    [Fact]
    public async Task EmptyIdsAreRefusedWithTheFieldNamedAndNothingOfTheBatchIsWritten()
    {
        var good = Sale("acme", "good", 10m, Utc(2025, 6, 1));

        var noSaleId = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSalesAsync([(good, null), (good with { SaleId = " " }, null)], Ct));
        var noProduct = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSaleAsync(good with { ProductId = "" }, null, Ct));
        var noCategory = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSaleAsync(good with { Category = "" }, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSaleAsync(good, new StoredEmbedding("m", []), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AddSaleAsync(good with { SoldPrice = -1m }, null, Ct));

        Assert.Equal("SaleId", noSaleId.ParamName);
        Assert.Equal("ProductId", noProduct.ParamName);
        Assert.Equal("Category", noCategory.ParamName);
        Assert.Equal(0, await Store.CountSalesAsync(new TenantId("acme"), Ct));
        Assert.Empty(await Store.GetTenantsAsync(Ct));
    }

    [Fact]
    public async Task FurtherPhotosRoundTripInOrderBesideThePrimaryEmbedding()
    {
        var outbox = Assert.IsAssignableFrom<ISalesOutbox>(Store);
        var tenant = new TenantId("acme");
        var three = new SaleWithPhotos(Sale("acme", "three", 10m, Utc(2025, 6, 1)), new StoredEmbedding("m", [1f, 0f]))
        {
            MorePhotos = [new StoredEmbedding("m", [0f, 1f]), new StoredEmbedding("m", [0.6f, -0.8f])],
        };
        var one = new SaleWithPhotos(Sale("acme", "one", 20m, Utc(2025, 6, 2)), new StoredEmbedding("m", [0.5f, 0.5f]));
        var none = new SaleWithPhotos(Sale("acme", "none", 30m, Utc(2025, 6, 3)), null);

        Assert.Equal([true, true, true], await outbox.AddSalesWithPhotosAsync([three, one, none], Ct));
        // A re-run with other photos changes nothing: the sale and its photos are written once.
        Assert.Equal([false], await outbox.AddSalesWithPhotosAsync([three with { MorePhotos = [new StoredEmbedding("m", [9f, 9f])] }], Ct));

        var streamed = await ToListAsync(CreateStore(Time).StreamSalesWithPhotosAsync(tenant, Ct));

        Assert.Equal(["three", "one", "none"], streamed.Select(s => s.Sale.SaleId));
        Assert.Equal(three.Sale, streamed[0].Sale);
        Assert.Equal([1f, 0f], streamed[0].Embedding!.Vector);
        Assert.Equal([[0f, 1f], [0.6f, -0.8f]], streamed[0].MorePhotos.Select(p => p.Vector));
        Assert.All(streamed[0].MorePhotos, p => Assert.Equal("m", p.ModelId));
        Assert.Empty(streamed[1].MorePhotos);
        Assert.Null(streamed[2].Embedding);
        Assert.Empty(streamed[2].MorePhotos);
        // Everything that reads one photo per sale sees the first one, as before.
        var (sale, primary) = (await ToListAsync(Store.StreamSalesAsync(tenant, Ct)))[0];
        Assert.Equal("three", sale.SaleId);
        Assert.Equal([1f, 0f], primary!.Vector);
    }

    [Fact]
    public async Task FurtherPhotosWithoutAFirstPhotoOrOverTheLimitAreRefusedAndNothingIsWritten()
    {
        var outbox = Assert.IsAssignableFrom<ISalesOutbox>(Store);
        var good = new SaleWithPhotos(Sale("acme", "good", 10m, Utc(2025, 6, 1)), new StoredEmbedding("m", [1f]));
        var orphan = new SaleWithPhotos(Sale("acme", "orphan", 10m, Utc(2025, 6, 1)), null) { MorePhotos = [new StoredEmbedding("m", [1f])] };
        var six = good with { MorePhotos = [.. Enumerable.Repeat(new StoredEmbedding("m", [1f]), SaleWithPhotos.MaxPhotos)] };

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.AddSalesWithPhotosAsync([good, orphan], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.AddSalesWithPhotosAsync([six], Ct));

        Assert.Equal(0, await Store.CountSalesAsync(new TenantId("acme"), Ct));
    }

    [Fact]
    public async Task ExpiredSalesTakeTheirFurtherPhotosWithThem()
    {
        var outbox = Assert.IsAssignableFrom<ISalesOutbox>(Store);
        var tenant = new TenantId("acme");
        var old = new SaleWithPhotos(Sale("acme", "old", 10m, Now.AddDays(-729)), new StoredEmbedding("m", [1f])) { MorePhotos = [new StoredEmbedding("m", [2f])] };
        var recent = new SaleWithPhotos(Sale("acme", "new", 10m, Now.AddDays(-1)), new StoredEmbedding("m", [1f])) { MorePhotos = [new StoredEmbedding("m", [3f])] };
        await outbox.AddSalesWithPhotosAsync([old, recent], Ct);

        Time.Advance(TimeSpan.FromDays(2));
        if (await PurgeExpiredAsync() is { } purged)
        {
            Assert.Equal(1, purged);
        }

        var streamed = Assert.Single(await ToListAsync(Store.StreamSalesWithPhotosAsync(tenant, Ct)));
        Assert.Equal("new", streamed.Sale.SaleId);
        Assert.Equal([3f], Assert.Single(streamed.MorePhotos).Vector);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    public async Task ALoadPlansSegmentsThatTogetherYieldEveryLiveSaleExactlyOnce(int segments)
    {
        // Three tenants with the same sale ids, written side by side (a reader must tell sales apart by tenant too), some with
        // further photos, some without an embedding, and every tenth one expiring before the load.
        var outbox = Assert.IsAssignableFrom<ISalesOutbox>(Store);
        var live = new Dictionary<(string, string), SaleWithPhotos>();
        for (var i = 0; i < 40; i++)
        {
            var batch = new List<SaleWithPhotos>();
            foreach (var tenant in new[] { "acme", "acme-2", "zeta" })
            {
                var expiring = i % 10 == 7;
                var soldAt = expiring ? Now.AddDays(-729) : Now.AddDays(-i);
                var embedding = i % 5 == 4 ? null : new StoredEmbedding("m", [1f, i]);
                var sale = new SaleWithPhotos(Sale(tenant, $"s{i}", 10m + i, soldAt, i % 2 == 0 ? "dresses" : "shoes"), embedding)
                {
                    MorePhotos = embedding is not null && i % 3 == 0 ? [new StoredEmbedding("m", [2f, i]), new StoredEmbedding("m", [3f, i])] : [],
                };
                batch.Add(sale);
                if (!expiring)
                {
                    live[(tenant, sale.Sale.SaleId)] = sale;
                }
            }

            Assert.All(await outbox.AddSalesWithPhotosAsync(batch, Ct), Assert.True);
        }

        Time.Advance(TimeSpan.FromDays(2));
        var store = CreateStore(Time);

        var plan = await store.PlanLoadAsync(segments, Ct);
        var parts = await Task.WhenAll(plan.Segments.Select(segment => ToListAsync(store.StreamLoadSegmentAsync(segment, Ct))));

        Assert.InRange(plan.Segments.Count, Math.Min(segments, 2), segments);
        Assert.True(plan.EstimatedSales is null or 108, $"estimated {plan.EstimatedSales}");
        var loaded = parts.SelectMany(p => p).ToList();
        Assert.Equal(108, loaded.Count);
        Assert.Equal(live.Keys.Order(), loaded.Select(s => (s.Sale.Tenant.Value, s.Sale.SaleId)).Order());
        foreach (var sale in loaded)
        {
            var expected = live[(sale.Sale.Tenant.Value, sale.Sale.SaleId)];
            Assert.Equal(expected.Sale, sale.Sale);
            Assert.Equal(expected.Embedding?.Vector, sale.Embedding?.Vector);
            Assert.Equal(expected.MorePhotos.Select(p => p.Vector), sale.MorePhotos.Select(p => p.Vector));
        }
    }

    [Fact]
    public async Task ALoadPlanOfAnEmptyStoreYieldsNothing()
    {
        var plan = await Store.PlanLoadAsync(4, Ct);

        var parts = await Task.WhenAll(plan.Segments.Select(segment => ToListAsync(Store.StreamLoadSegmentAsync(segment, Ct))));
        Assert.Empty(parts.SelectMany(p => p));
        Assert.True(plan.EstimatedSales is null or 0);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.PlanLoadAsync(0, Ct));
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
