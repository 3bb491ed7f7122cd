using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using static Portal.Core.Tests.Similarity.TestData;

namespace Portal.Core.Tests.Similarity;

public sealed class VectorCollectionTests
{
    /// <summary>Tiny chunks (4, 8, 16, 16, …) and parallel scanning even for small collections, to hit every boundary.</summary>
    private static readonly IndexOptions TinyChunks = new()
    {
        InitialChunkCapacity = 4,
        ChunkCapacity = 16,
        ParallelThresholdFloats = 0,
        MaxDegreeOfParallelism = 3,
    };

    private static (VectorCollection Collection, List<(SaleRecord Sale, float[] Vector)> Items) Build(
        float[][] vectors, IndexOptions options, Func<int, DateTimeOffset>? soldAt = null)
    {
        var collection = new VectorCollection("clip", vectors[0].Length, options);
        var items = new List<(SaleRecord, float[])>();
        for (var i = 0; i < vectors.Length; i++)
        {
            var sale = Sale($"s{i:D6}", soldAt: soldAt?.Invoke(i) ?? Epoch.AddMinutes(i));
            collection.Add(sale, vectors[i]);
            items.Add((sale, vectors[i]));
        }

        return (collection, items);
    }

    private static void AssertMatchesNaive(
        IReadOnlyList<SimilarityHit> hits, List<(string SaleId, double Score)> expected)
    {
        Assert.Equal(expected.Select(e => e.SaleId), hits.Select(h => h.Sale.SaleId));
        for (var i = 0; i < hits.Count; i++)
        {
            Assert.Equal(expected[i].Score, hits[i].Similarity, tolerance: 1e-5);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExactSearchReturnsTrueTopKOnRandomData(bool parallel)
    {
        var vectors = Clustered(3000, 64, clusters: 20, seed: 1);
        var options = new IndexOptions { ChunkCapacity = 256, ParallelThresholdFloats = parallel ? 0 : long.MaxValue };
        var (collection, items) = Build(vectors, options);
        var random = new Random(2);

        for (var q = 0; q < 20; q++)
        {
            var query = Around(random, vectors[random.Next(vectors.Length)], 0.5f);
            var hits = collection.SearchExact(query, SearchFilter.None, 20, -1f);
            AssertMatchesNaive(hits, NaiveTopK(items, query, SearchFilter.None, 20, -1f));
        }
    }

    [Fact]
    public void SearchFiltersByInclusiveDateWindowAndExcludedIds()
    {
        var vectors = Clustered(500, 32, clusters: 5, seed: 3);
        var (collection, items) = Build(vectors, TinyChunks, i => Epoch.AddDays(i % 50));
        var filter = new SearchFilter(Epoch.AddDays(10), Epoch.AddDays(20), new HashSet<string> { "s000010", "s000011", "s000015" });
        var query = vectors[10];

        var hits = collection.SearchExact(query, filter, 30, -1f);

        Assert.Equal(30, hits.Count);
        Assert.All(hits, h => Assert.InRange(h.Sale.SoldAt, Epoch.AddDays(10), Epoch.AddDays(20)));
        Assert.DoesNotContain(hits, h => filter.ExcludedSaleIds!.Contains(h.Sale.SaleId));
        Assert.Contains(hits, h => h.Sale.SoldAt == Epoch.AddDays(10));
        AssertMatchesNaive(hits, NaiveTopK(items, query, filter, 30, -1f));
    }

    [Fact]
    public void SearchDropsHitsBelowMinimumSimilarity()
    {
        var vectors = Clustered(400, 32, clusters: 8, seed: 4);
        var (collection, items) = Build(vectors, TinyChunks);
        var query = vectors[0];
        var expected = NaiveTopK(items, query, SearchFilter.None, 400, 0.6f);

        var hits = collection.SearchExact(query, SearchFilter.None, 400, 0.6f);

        Assert.InRange(expected.Count, 1, 399);
        Assert.All(hits, h => Assert.True(h.Similarity >= 0.6f));
        AssertMatchesNaive(hits, expected);
    }

    [Fact]
    public void EqualSimilaritiesAreOrderedBySaleIdOrdinal()
    {
        var collection = new VectorCollection("clip", 2, TinyChunks);
        foreach (var id in new[] { "b", "B", "a", "c" })
        {
            collection.Add(Sale(id), [1f, 0f]);
        }

        var hits = collection.SearchExact([1f, 0f], SearchFilter.None, 3, 0f);

        Assert.Equal(["B", "a", "b"], hits.Select(h => h.Sale.SaleId));
    }

    [Fact]
    public void QueryOfAnotherDimensionIsRejected()
    {
        var collection = new VectorCollection("clip", 4);
        collection.Add(Sale("a"), [1f, 0f, 0f, 0f]);

        Assert.Throws<ArgumentException>(() => collection.Search([1f, 0f, 0f], SearchFilter.None, 5, 0f));
        Assert.Throws<ArgumentException>(() => collection.Add(Sale("b"), [1f, 0f]));
    }

    [Fact]
    public void EmptyCollectionAndZeroKReturnNoHits()
    {
        var collection = new VectorCollection("clip", 2);
        Assert.Empty(collection.Search([1f, 0f], SearchFilter.None, 5, 0f));
        collection.Add(Sale("a"), [1f, 0f]);
        Assert.Empty(collection.Search([1f, 0f], SearchFilter.None, 0, 0f));
    }

    [Fact]
    public void QuantisedSearchIsRefusedWhenNotEnabled()
    {
        var collection = new VectorCollection("clip", 2);
        Assert.Throws<InvalidOperationException>(() => collection.SearchQuantized([1f, 0f], SearchFilter.None, 1, 0f));
    }

    // Tiny chunks hold 4, 8, 16, 16…: boundaries after 4, 12, 28, 44 vectors. Dimensions exercise the SIMD tails.
    [Theory]
    [InlineData(1, 16)]
    [InlineData(3, 16)]
    [InlineData(4, 16)]
    [InlineData(5, 16)]
    [InlineData(11, 35)]
    [InlineData(12, 35)]
    [InlineData(13, 35)]
    [InlineData(27, 7)]
    [InlineData(28, 7)]
    [InlineData(29, 7)]
    [InlineData(43, 48)]
    [InlineData(44, 48)]
    [InlineData(45, 48)]
    public void EveryVectorIsFoundAcrossChunkBoundaries(int count, int dimension)
    {
        var vectors = Clustered(count, dimension, clusters: 3, seed: count);
        var (collection, items) = Build(vectors, TinyChunks with { EnableQuantizedSearch = true });

        Assert.Equal(count, collection.Count);
        for (var i = 0; i < count; i++)
        {
            var exact = collection.SearchExact(vectors[i], SearchFilter.None, count, -1f);
            AssertMatchesNaive(exact, NaiveTopK(items, vectors[i], SearchFilter.None, count, -1f));
            Assert.Equal($"s{i:D6}", exact[0].Sale.SaleId);

            var quantised = collection.SearchQuantized(vectors[i], SearchFilter.None, count, -1f);
            Assert.Equal(exact.Select(h => h.Sale.SaleId), quantised.Select(h => h.Sale.SaleId));
            Assert.Equal(exact.Select(h => h.Similarity), quantised.Select(h => h.Similarity));
        }
    }

    [Theory]
    [InlineData(8159)]
    [InlineData(8160)]
    [InlineData(8161)]
    public void DefaultChunksKeepEveryVectorAroundTheFirstFullSizeChunk(int count)
    {
        // Default chunks hold 32, 64, …, 4096 vectors: the first 4096-vector chunk starts at slot 8160.
        var vectors = Clustered(count, 8, clusters: 50, seed: 9);
        var (collection, items) = Build(vectors, new IndexOptions { ParallelThresholdFloats = 0 });

        foreach (var i in new[] { 0, 8158, count - 1 })
        {
            var hits = collection.SearchExact(vectors[i], SearchFilter.None, 10, -1f);
            AssertMatchesNaive(hits, NaiveTopK(items, vectors[i], SearchFilter.None, 10, -1f));
        }

        Assert.Equal(count, collection.GetMemoryUsage().Count);
    }

    [Fact]
    public void QuantisedSearchRecallsAtLeast99PercentOfExactTop20OnClusteredVectors()
    {
        const int dimension = 512;
        var vectors = Clustered(20_000, dimension, clusters: 100, seed: 42, spread: 1.0f);
        var (collection, _) = Build(vectors, new IndexOptions { EnableQuantizedSearch = true });
        var random = new Random(7);
        int found = 0, wanted = 0;

        for (var q = 0; q < 50; q++)
        {
            var query = Around(random, vectors[random.Next(vectors.Length)], 0.6f);
            var exact = collection.SearchExact(query, SearchFilter.None, 20, -1f).Select(h => h.Sale.SaleId).ToHashSet();
            var quantised = collection.SearchQuantized(query, SearchFilter.None, 20, -1f);
            found += quantised.Count(h => exact.Contains(h.Sale.SaleId));
            wanted += exact.Count;
        }

        var recall = (double)found / wanted;
        Assert.True(recall >= 0.99, $"recall@20 was {recall:F4}");
    }

    [Fact]
    public void MemoryStaysWithinTwentyPercentOfRawFloatsAndInt8IsAQuarter()
    {
        var vectors = Clustered(20_000, 512, clusters: 10, seed: 5);
        var (collection, _) = Build(vectors, new IndexOptions { EnableQuantizedSearch = true });

        var memory = collection.GetMemoryUsage();

        Assert.Equal(20_000L * 512 * 4, memory.RawFloat32Bytes);
        Assert.InRange(memory.Float32Overhead, 1.0, 1.2);
        Assert.InRange((double)memory.Int8Bytes / memory.Float32Bytes, 0.25, 0.26);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ABoostedBrandRanksByCosinePlusBoostInOneScanExactAndQuantized(bool quantized)
    {
        var vectors = Clustered(2000, 64, clusters: 10, seed: 5);
        var options = new IndexOptions { ChunkCapacity = 128, ParallelThresholdFloats = 0, EnableQuantizedSearch = quantized, RerankFactor = 8 };
        var collection = new VectorCollection("clip", 64, options);
        var items = new List<(SaleRecord Sale, float[] Vector)>();
        for (var i = 0; i < vectors.Length; i++)
        {
            var sale = Sale($"s{i:D6}", soldAt: Epoch.AddMinutes(i)) with { Brand = i % 50 == 0 ? "Acme" : "Other" };
            collection.Add(sale, vectors[i]);
            items.Add((sale, VectorMath.Normalize(vectors[i])));
        }

        var query = VectorMath.Normalize(vectors[7]);
        var filter = SearchFilter.None with { BoostedBrand = "acme", BrandBoost = 0.5f };
        var hits = collection.Search(query, filter, 10, 0.2f);

        var expected = items
            .Select(i => (i.Sale.SaleId, Score: (double)System.Numerics.Tensors.TensorPrimitives.Dot(query, i.Vector) + (i.Sale.Brand == "Acme" ? 0.5 : 0)))
            .Where(e => e.Score >= 0.2)
            .OrderByDescending(e => e.Score).ThenBy(e => e.SaleId, StringComparer.Ordinal)
            .Take(10)
            .ToList();
        if (quantized)
        {
            // The int8 pre-scan is approximate: recall, not the exact list.
            Assert.True(expected.Select(e => e.SaleId).Intersect(hits.Select(h => h.Sale.SaleId)).Count() >= 9);
        }
        else
        {
            Assert.Equal(expected.Select(e => e.SaleId), hits.Select(h => h.Sale.SaleId));
        }

        Assert.Equal(expected[0].Score, hits[0].Similarity, tolerance: 1e-4);
        Assert.Contains(hits, h => h.Sale.Brand == "Acme");
    }
}
