using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using static Portal.Core.Tests.Similarity.TestData;

namespace Portal.Core.Tests.Similarity;

public sealed class InMemorySalesIndexTests
{
    private static StoredEmbedding Embedding(params float[] vector) => new("clip", vector);

    [Fact]
    public void AddingTheSameSaleIdTwiceKeepsOneCopy()
    {
        var index = new InMemorySalesIndex();

        Assert.True(index.Add(Sale("a"), Embedding(1f, 0f)));
        Assert.False(index.Add(Sale("a"), Embedding(0f, 1f)));
        Assert.False(index.Add(Sale("a", category: "bags"), null));

        Assert.Equal(1, index.Count(Tenant));
        Assert.Single(index.GetCategorySales(Tenant, "shoes").Sales);
        Assert.Empty(index.GetCategorySales(Tenant, "bags").Sales);
        Assert.Single(index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f));
    }

    [Fact]
    public void SalesSoldBeforeTheCutoffLeaveSearchesCategorySalesAndCounts()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("old", soldAt: Epoch), Embedding(1f, 0f));
        index.Add(Sale("new", soldAt: Epoch.AddDays(10)), Embedding(1f, 0.1f));
        index.Add(Sale("bag", category: "bags", soldAt: Epoch.AddDays(1)), null);
        var before = index.GetCategorySales(Tenant, "shoes");

        Assert.Equal(2, index.RemoveSoldBefore(Epoch.AddDays(5)));

        Assert.Equal(["new"], index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f).Select(h => h.Sale.SaleId));
        Assert.Equal(["new"], index.GetCategorySales(Tenant, "shoes").Sales.Select(s => s.SaleId));
        Assert.Empty(index.GetCategorySales(Tenant, "bags").Sales);
        Assert.Equal(1, index.Count(Tenant));
        Assert.False(index.Contains(Tenant, "old"));
        Assert.True(index.Contains(Tenant, "new"));
        // A snapshot taken before stays as it was, and its version moves on.
        Assert.Equal(["old", "new"], before.Sales.Select(s => s.SaleId));
        Assert.True(index.GetCategorySales(Tenant, "shoes").Version > before.Version);
        Assert.Equal(0, index.RemoveSoldBefore(Epoch.AddDays(5)));
    }

    [Fact]
    public void ASaleRemovedByItsRetentionCanBeAddedAgain()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("a", soldAt: Epoch), Embedding(1f, 0f));
        index.RemoveSoldBefore(Epoch.AddDays(1));

        Assert.True(index.Add(Sale("a", soldAt: Epoch.AddDays(2)), Embedding(1f, 0f)));
        Assert.Equal(["a"], index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f).Select(h => h.Sale.SaleId));
    }

    [Fact]
    public void SameSaleIdInAnotherTenantIsADifferentSale()
    {
        var index = new InMemorySalesIndex();
        var other = new TenantId("other");

        Assert.True(index.Add(Sale("a"), Embedding(1f, 0f)));
        Assert.True(index.Add(Sale("a", tenant: other), Embedding(1f, 0f)));

        Assert.Equal(1, index.Count(Tenant));
        Assert.Equal(1, index.Count(other));
    }

    [Fact]
    public void VectorsAreNormalisedOnTheWayIn()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("a"), Embedding(3f, 4f));

        var hit = Assert.Single(index.Search(Tenant, "shoes", "clip", [0.6f, 0.8f], SearchFilter.None, 1, 0f));

        Assert.Equal(1f, hit.Similarity, 5);
    }

    [Fact]
    public void SaleWithoutEmbeddingIsKeptForCategorySalesOnly()
    {
        var index = new InMemorySalesIndex();

        Assert.True(index.Add(Sale("a"), null));

        Assert.Equal(["a"], index.GetCategorySales(Tenant, "shoes").Sales.Select(s => s.SaleId));
        Assert.Equal(["shoes"], index.GetCategories(Tenant));
        Assert.Equal(1, index.Count(Tenant));
        Assert.Empty(index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f));
    }

    [Fact]
    public void DifferentModelIdsAreNeverMixed()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("a"), new StoredEmbedding("clip", [1f, 0f]));
        index.Add(Sale("b"), new StoredEmbedding("resnet", [1f, 0f]));
        index.Add(Sale("c"), new StoredEmbedding("dino", [1f, 0f, 0f]));

        Assert.Equal(["a"], index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f).Select(h => h.Sale.SaleId));
        Assert.Equal(["b"], index.Search(Tenant, "shoes", "resnet", [1f, 0f], SearchFilter.None, 10, -1f).Select(h => h.Sale.SaleId));
        Assert.Equal(["c"], index.Search(Tenant, "shoes", "dino", [1f, 0f, 0f], SearchFilter.None, 10, -1f).Select(h => h.Sale.SaleId));
        Assert.Empty(index.Search(Tenant, "shoes", "unknown", [1f, 0f], SearchFilter.None, 10, -1f));
        Assert.Equal(3, index.GetCategorySales(Tenant, "shoes").Sales.Count);
    }

    [Fact]
    public void QueryWithAnotherDimensionThanTheModelsVectorsThrows()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("a"), Embedding(1f, 0f));

        Assert.Throws<ArgumentException>(() => index.Search(Tenant, "shoes", "clip", [1f, 0f, 0f], SearchFilter.None, 10, -1f));
    }

    [Fact]
    public void EmbeddingWithAnotherDimensionThanItsModelIsRejectedAndTheSaleCanBeRetried()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("a"), Embedding(1f, 0f));

        Assert.Throws<ArgumentException>(() => index.Add(Sale("b"), Embedding(1f, 0f, 0f)));
        Assert.Throws<ArgumentException>(() => index.Add(Sale("b"), Embedding(0f, 0f)));

        Assert.True(index.Add(Sale("b"), Embedding(0f, 1f)));
        Assert.Equal(2, index.Count(Tenant));
    }

    [Fact]
    public void CategorySalesVersionIncrementsOnEachAddAndOldSnapshotsStayUnchanged()
    {
        var index = new InMemorySalesIndex();
        var empty = index.GetCategorySales(Tenant, "shoes");

        index.Add(Sale("a"), null);
        var first = index.GetCategorySales(Tenant, "shoes");
        for (var i = 0; i < 10; i++)
        {
            index.Add(Sale($"b{i}"), Embedding(1f, i));
        }

        index.Add(Sale("b0"), null);
        var last = index.GetCategorySales(Tenant, "shoes");

        Assert.Equal(0, empty.Version);
        Assert.Empty(empty.Sales);
        Assert.Equal(1, first.Version);
        Assert.Equal(["a"], first.Sales.Select(s => s.SaleId));
        Assert.Equal(11, last.Version);
        Assert.Equal(11, last.Sales.Count);
        Assert.Equal("b9", last.Sales[^1].SaleId);
    }

    [Fact]
    public void CategoriesAreListedPerTenantInOrdinalOrder()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("1", category: "shoes"), null);
        index.Add(Sale("2", category: "bags"), null);
        index.Add(Sale("3", category: "Coats"), null);
        index.Add(Sale("4", category: "hats", tenant: new TenantId("other")), null);

        Assert.Equal(["Coats", "bags", "shoes"], index.GetCategories(Tenant));
        Assert.Empty(index.GetCategories(new TenantId("nobody")));
        Assert.Equal(0, index.Count(new TenantId("nobody")));
    }

    [Fact]
    public void SearchAppliesFilterAndQuantisedOptionThroughTheIndex()
    {
        var index = new InMemorySalesIndex(new IndexOptions { EnableQuantizedSearch = true });
        var vectors = Clustered(300, 24, clusters: 4, seed: 11);
        for (var i = 0; i < vectors.Length; i++)
        {
            index.Add(Sale($"s{i:D3}", soldAt: Epoch.AddDays(i)), new StoredEmbedding("clip", vectors[i]));
        }

        var filter = new SearchFilter(Epoch.AddDays(100), Epoch.AddDays(199), new HashSet<string> { "s150" });
        var hits = index.Search(Tenant, "shoes", "clip", vectors[150], filter, 5, 0.2f);

        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.InRange(h.Sale.SoldAt, Epoch.AddDays(100), Epoch.AddDays(199)));
        Assert.DoesNotContain(hits, h => h.Sale.SaleId == "s150");
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
    }

    [Fact(Timeout = 120_000)]
    public async Task ConcurrentAddsWhileSearchingNeverThrowAndEndWithTheRightCount()
    {
        const int dimension = 40;
        const int writers = 4;
        const int salesPerWriter = 600;
        var index = new InMemorySalesIndex(new IndexOptions
        {
            InitialChunkCapacity = 2,
            ChunkCapacity = 64,
            ParallelThresholdFloats = 0,
            EnableQuantizedSearch = true,
        });
        var vectors = Clustered(salesPerWriter * writers, dimension, clusters: 10, seed: 13);
        var query = vectors[0];
        var writing = true;

        // Writers overlap: each also re-adds half of its neighbour's sales, which must be ignored.
        // Dedicated threads: on 2 cores, spinning readers on pool threads could starve the writers' pool tasks.
        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < salesPerWriter; i++)
            {
                var own = w * salesPerWriter + i;
                index.Add(Sale($"s{own:D5}", category: own % 2 == 0 ? "shoes" : "bags"), new StoredEmbedding("clip", vectors[own]));
                if (i % 2 == 0)
                {
                    var other = (w + 1) % writers * salesPerWriter + i;
                    index.Add(Sale($"s{other:D5}", category: other % 2 == 0 ? "shoes" : "bags"), new StoredEmbedding("clip", vectors[other]));
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        var readerTasks = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            var searches = 0;
            long lastVersion = 0;
            while ((Volatile.Read(ref writing) && searches < 50_000) || searches < 5)
            {
                foreach (var hit in index.Search(Tenant, "shoes", "clip", query, SearchFilter.None, 10, -1f))
                {
                    // A half-written vector would not score what its sale's vector scores.
                    var expected = Dot(vectors[int.Parse(hit.Sale.SaleId.AsSpan(1))], query);
                    Assert.Equal(expected, hit.Similarity, tolerance: 1e-5);
                }

                var snapshot = index.GetCategorySales(Tenant, "bags");
                Assert.Equal(snapshot.Version, snapshot.Sales.Count);
                Assert.True(snapshot.Version >= lastVersion);
                Assert.All(snapshot.Sales, Assert.NotNull);
                lastVersion = snapshot.Version;
                searches++;
                Thread.Yield();
            }

            return searches;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        await Task.WhenAll(writerTasks);
        Volatile.Write(ref writing, false);
        var searchCounts = await Task.WhenAll(readerTasks);

        Assert.All(searchCounts, c => Assert.True(c >= 5));
        Assert.Equal(writers * salesPerWriter, index.Count(Tenant));
        Assert.Equal(writers * salesPerWriter / 2, index.GetCategorySales(Tenant, "shoes").Sales.Count);
        Assert.Equal(writers * salesPerWriter / 2, index.GetCategorySales(Tenant, "bags").Sales.Count);
        Assert.Equal(writers * salesPerWriter, index.GetMemoryUsage().Count);
        var all = index.Search(Tenant, "shoes", "clip", query, SearchFilter.None, int.MaxValue / 16, -1f);
        Assert.Equal(writers * salesPerWriter / 2, all.Select(h => h.Sale.SaleId).Distinct().Count());
    }
}
