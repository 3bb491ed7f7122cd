using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using static Portal.Core.Tests.Similarity.TestData;

namespace Portal.Core.Tests.Similarity;

public sealed class MultiPhotoIndexTests
{
    private static StoredEmbedding Embedding(params float[] vector) => new("clip", vector);

    private static SaleWithPhotos WithPhotos(string saleId, StoredEmbedding first, params StoredEmbedding[] more) =>
        new(Sale(saleId), first) { MorePhotos = more };

    [Fact]
    public void SaleWithSeveralPhotosIsReturnedOnceWithItsBestPhotosSimilarity()
    {
        var index = new InMemorySalesIndex();
        Assert.True(index.Add(WithPhotos("a", Embedding(0f, 1f), Embedding(1f, 0f), Embedding(0.8f, 0.6f))));
        Assert.True(index.Add(Sale("b"), Embedding(0.6f, 0.8f)));

        var hits = index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f);

        Assert.Equal(["a", "b"], hits.Select(h => h.Sale.SaleId));
        Assert.Equal(1f, hits[0].Similarity, 5);
        Assert.Equal(0.6f, hits[1].Similarity, 5);
        Assert.Equal(1, index.GetCategorySales(Tenant, "shoes").Sales.Count(s => s.SaleId == "a"));
        Assert.Equal(2, index.Count(Tenant));
    }

    [Fact]
    public void TopKCountsDistinctSalesNotPhotos()
    {
        var index = new InMemorySalesIndex();
        // "a" has three photos closer to the query than any photo of "b" or "c": k = 2 still returns two sales.
        index.Add(WithPhotos("a", Embedding(1f, 0f), Embedding(0.99f, 0.14f), Embedding(0.98f, 0.2f)));
        index.Add(Sale("b"), Embedding(0.8f, 0.6f));
        index.Add(Sale("c"), Embedding(0.6f, 0.8f));

        var hits = index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 2, -1f);

        Assert.Equal(["a", "b"], hits.Select(h => h.Sale.SaleId));
    }

    [Fact]
    public void ExcludedSaleIsLeftOutWithEveryPhoto()
    {
        var index = new InMemorySalesIndex();
        index.Add(WithPhotos("a", Embedding(0f, 1f), Embedding(1f, 0f)));
        index.Add(Sale("b"), Embedding(0.6f, 0.8f));

        var filter = new SearchFilter(null, null, new HashSet<string>(StringComparer.Ordinal) { "a" });
        var hits = index.Search(Tenant, "shoes", "clip", [1f, 0f], filter, 10, -1f);

        Assert.Equal(["b"], hits.Select(h => h.Sale.SaleId));
    }

    [Fact]
    public void SameSaleIdAddedAgainAddsNoPhotos()
    {
        var index = new InMemorySalesIndex();
        index.Add(Sale("a"), Embedding(0f, 1f));

        Assert.False(index.Add(WithPhotos("a", Embedding(0f, 1f), Embedding(1f, 0f))));

        var hit = Assert.Single(index.Search(Tenant, "shoes", "clip", [1f, 0f], SearchFilter.None, 10, -1f));
        Assert.Equal(0f, hit.Similarity, 5);
    }

    [Fact]
    public void FurtherPhotosWithoutAFirstPhotoAreRefusedAndTheSaleCanBeRetried()
    {
        var index = new InMemorySalesIndex();

        Assert.Throws<ArgumentException>(() => index.Add(new SaleWithPhotos(Sale("a"), null) { MorePhotos = [Embedding(1f, 0f)] }));
        Assert.Throws<ArgumentException>(() => index.Add(WithPhotos("a", Embedding(1f, 0f), Embedding(1f, 0f, 0f))));

        Assert.True(index.Add(WithPhotos("a", Embedding(1f, 0f), Embedding(0f, 1f))));
    }

    [Fact]
    public async Task SeveralQueryPhotosFindASaleThroughAnyOfThemWithTheBestPair()
    {
        var index = new InMemorySalesIndex();
        index.Add(WithPhotos("a", Embedding(0f, 1f, 0f), Embedding(0f, 0f, 1f)));
        index.Add(Sale("b"), Embedding(1f, 0f, 0f));
        float[][] queries = [[1f, 0f, 0f], [0f, 0f, 1f]];

        var hits = await index.SearchAsync(Tenant, "shoes", "clip", queries, SearchFilter.None, 10, 0.5f, CancellationToken.None);

        Assert.Equal(["a", "b"], hits.Select(h => h.Sale.SaleId));
        Assert.All(hits, h => Assert.Equal(1f, h.Similarity, 5));
    }

    [Fact]
    public async Task SeveralQueryPhotosReturnTheTopKOfTheBestMatches()
    {
        var random = new Random(7);
        var index = new InMemorySalesIndex();
        var sales = new List<(string Id, float[][] Photos)>();
        for (var i = 0; i < 200; i++)
        {
            var photos = Enumerable.Range(0, 1 + i % 3).Select(_ => VectorMath.Normalize(Gaussian(random, 16, 1f))).ToArray();
            var id = $"s{i:D3}";
            sales.Add((id, photos));
            index.Add(new SaleWithPhotos(Sale(id), Embedding(photos[0])) { MorePhotos = [.. photos.Skip(1).Select(p => Embedding(p))] });
        }

        float[][] queries = [.. Enumerable.Range(0, 3).Select(_ => VectorMath.Normalize(Gaussian(random, 16, 1f)))];
        var expected = sales
            .Select(s => (s.Id, Best: s.Photos.Max(p => queries.Max(q => VectorMath.Cosine(p, q)))))
            .OrderByDescending(s => s.Best).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Take(10)
            .ToArray();

        var hits = await index.SearchAsync(Tenant, "shoes", "clip", queries, SearchFilter.None, 10, -1f, CancellationToken.None);

        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Sale.SaleId));
        Assert.Equal(expected.Select(e => e.Best), hits.Select(h => h.Similarity), (a, b) => Math.Abs(a - b) < 1e-5f);
    }
}
