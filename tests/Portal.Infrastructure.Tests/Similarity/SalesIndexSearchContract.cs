using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Similarity;

/// <summary>
/// What every adapter of <see cref="ISalesIndex.SearchAsync"/> must answer (the exact in-memory scan today, a distributed
/// vector engine later): scoped to one tenant, category and model; the sold-at window, brand and excluded ids applied on the
/// index's side; the brand boost inside the score; top-K best first with ties by sale id; the minimum score; a sale with
/// several photos once. The vectors are chosen so that the cosines are exact in float32, which an approximate engine must
/// still rank the same way on this little data.
/// </summary>
public abstract class SalesIndexSearchContract
{
    protected const string Model = "clip";

    private static readonly TenantId Acme = new("acme");

    /// <summary>An empty index of the adapter under test.</summary>
    protected abstract Task<ISalesIndex> CreateIndexAsync();

    /// <summary>Makes the adapter's writes searchable (a remote engine may index asynchronously); nothing for memory.</summary>
    protected virtual Task SettleAsync(ISalesIndex index) => Task.CompletedTask;

    [Fact]
    public async Task AnotherTenantsSalesAreNeverReturned()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "a1", 10m, Now), 1f, 0f);
        Add(index, Sale("beta", "b1", 10m, Now), 1f, 0f);
        Add(index, Sale("beta", "a2", 10m, Now), 1f, 0f);
        await SettleAsync(index);

        var hits = await SearchAsync(index, Query([1f, 0f]));

        Assert.Equal(["a1"], Ids(hits));
        Assert.All(hits, h => Assert.Equal(Acme, h.Sale.Tenant));
        Assert.Empty(await SearchAsync(index, Query([1f, 0f]) with { Tenant = new TenantId("nobody") }));
    }

    [Fact]
    public async Task OnlyTheCategoryAndModelAskedForAreSearched()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "dress", 10m, Now), 1f, 0f);
        Add(index, Sale("acme", "bag", 10m, Now, category: "bags"), 1f, 0f);
        index.Add(Sale("acme", "other-model", 10m, Now), new StoredEmbedding("dino", [1f, 0f]));
        await SettleAsync(index);

        Assert.Equal(["dress"], Ids(await SearchAsync(index, Query([1f, 0f]))));
        Assert.Equal(["bag"], Ids(await SearchAsync(index, Query([1f, 0f]) with { Category = "bags" })));
        Assert.Equal(["other-model"], Ids(await SearchAsync(index, Query([1f, 0f]) with { ModelId = "dino" })));
        Assert.Empty(await SearchAsync(index, Query([1f, 0f]) with { Category = "hats" }));
    }

    [Fact]
    public async Task TheSoldAtWindowIncludesBothBounds()
    {
        var index = await CreateIndexAsync();
        for (var day = 0; day < 5; day++)
        {
            Add(index, Sale("acme", $"d{day}", 10m, Now.AddDays(day)), 1f, 0f);
        }

        await SettleAsync(index);

        var window = await SearchAsync(index, Query([1f, 0f], new SearchFilter(Now.AddDays(1), Now.AddDays(3), null)));
        var from = await SearchAsync(index, Query([1f, 0f], new SearchFilter(Now.AddDays(3), null, null)));
        var to = await SearchAsync(index, Query([1f, 0f], new SearchFilter(null, Now.AddDays(1), null)));

        Assert.Equal(["d1", "d2", "d3"], Ids(window));
        Assert.Equal(["d3", "d4"], Ids(from));
        Assert.Equal(["d0", "d1"], Ids(to));
    }

    [Fact]
    public async Task ABrandFilterKeepsThatBrandIgnoringCase()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "z1", 10m, Now, brand: "Zara"), 1f, 0f);
        Add(index, Sale("acme", "z2", 10m, Now, brand: "zara"), 0.6f, 0.8f);
        Add(index, Sale("acme", "m1", 10m, Now, brand: "mango"), 1f, 0f);
        Add(index, Sale("acme", "none", 10m, Now, brand: null), 1f, 0f);
        await SettleAsync(index);

        var hits = await SearchAsync(index, Query([1f, 0f], new SearchFilter(null, null, null, Brand: "ZARA")));

        Assert.Equal(["z1", "z2"], Ids(hits));
    }

    [Fact]
    public async Task ExcludedSalesAreLeftOutAndTheNextOnesTakeTheirPlaces()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "s1", 10m, Now), 1f, 0f);
        Add(index, Sale("acme", "s2", 10m, Now), 0.8f, 0.6f);
        Add(index, Sale("acme", "s3", 10m, Now), 0.6f, 0.8f);
        await SettleAsync(index);

        var hits = await SearchAsync(index, Query([1f, 0f], new SearchFilter(null, null, new HashSet<string> { "s1" }), topK: 2));

        Assert.Equal(["s2", "s3"], Ids(hits));
    }

    [Fact]
    public async Task TopKIsBestFirstWithTiesBySaleIdAndScoresAreCosines()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "far", 10m, Now), 0f, 1f);
        Add(index, Sale("acme", "mid", 10m, Now), 0.6f, 0.8f);
        Add(index, Sale("acme", "tie-b", 10m, Now), 0.8f, 0.6f);
        Add(index, Sale("acme", "tie-a", 10m, Now), 0.8f, 0.6f);
        Add(index, Sale("acme", "best", 10m, Now), 1f, 0f);
        await SettleAsync(index);

        var top3 = await SearchAsync(index, Query([1f, 0f], topK: 3));
        var all = await SearchAsync(index, Query([1f, 0f], topK: 10));

        Assert.Equal(["best", "tie-a", "tie-b"], Ids(top3));
        Assert.Equal(["best", "tie-a", "tie-b", "mid", "far"], Ids(all));
        Assert.Equal([1f, 0.8f, 0.8f, 0.6f, 0f], all.Select(h => h.Similarity), new ToleranceComparer(1e-5f));
        Assert.Empty(await SearchAsync(index, Query([1f, 0f], topK: 0)));
    }

    [Fact]
    public async Task SalesBelowTheMinimumScoreAreNotReturned()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "close", 10m, Now), 0.8f, 0.6f);
        Add(index, Sale("acme", "far", 10m, Now), 0.6f, 0.8f);
        Add(index, Sale("acme", "opposite", 10m, Now), -1f, 0f);
        await SettleAsync(index);

        Assert.Equal(["close"], Ids(await SearchAsync(index, Query([1f, 0f], minScore: 0.7f))));
        Assert.Equal(["close", "far"], Ids(await SearchAsync(index, Query([1f, 0f], minScore: 0f))));
        Assert.Equal(["close", "far", "opposite"], Ids(await SearchAsync(index, Query([1f, 0f], minScore: -1.5f))));
    }

    [Fact]
    public async Task TheBoostedBrandRanksAndPassesTheMinimumOnItsBoostedScore()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "look-alike", 10m, Now, brand: "mango"), 1f, 0f);
        Add(index, Sale("acme", "same-brand", 10m, Now, brand: "Zara"), 0.6f, 0.8f);
        Add(index, Sale("acme", "same-brand-far", 10m, Now, brand: "zara"), -0.6f, 0.8f);
        await SettleAsync(index);

        var filter = new SearchFilter(null, null, null, BoostedBrand: "ZARA", BrandBoost: 0.5f);
        var hits = await SearchAsync(index, Query([1f, 0f], filter, minScore: 0.5f));

        Assert.Equal(["same-brand", "look-alike"], Ids(hits));
        Assert.Equal([1.1f, 1f], hits.Select(h => h.Similarity), new ToleranceComparer(1e-5f));
    }

    [Fact]
    public async Task ASaleWithSeveralPhotosIsReturnedOnceWithItsBestPhoto()
    {
        var index = await CreateIndexAsync();
        index.Add(new SaleWithPhotos(Sale("acme", "many", 10m, Now), new StoredEmbedding(Model, [0f, 1f])) { MorePhotos = [new StoredEmbedding(Model, [0.8f, 0.6f])] });
        Add(index, Sale("acme", "one", 10m, Now), 0.6f, 0.8f);
        await SettleAsync(index);

        var hits = await SearchAsync(index, Query([1f, 0f], topK: 2));

        Assert.Equal(["many", "one"], Ids(hits));
        Assert.Equal(0.8f, hits[0].Similarity, 1e-5f);
    }

    [Fact]
    public async Task ACancelledSearchThrowsOperationCanceled()
    {
        var index = await CreateIndexAsync();
        Add(index, Sale("acme", "s1", 10m, Now), 1f, 0f);
        await SettleAsync(index);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await index.SearchAsync(Query([1f, 0f]), cancelled.Token));
    }

    protected static void Add(ISalesIndex index, SaleRecord sale, params float[] vector) =>
        Assert.True(index.Add(sale, new StoredEmbedding(Model, vector)));

    private static SimilarityQuery Query(float[] vector, SearchFilter? filter = null, int topK = 10, float minScore = -1f) =>
        new(Acme, "dresses", Model, VectorMath.Normalize(vector), filter ?? SearchFilter.None, topK, minScore);

    private static async Task<IReadOnlyList<SimilarityHit>> SearchAsync(ISalesIndex index, SimilarityQuery query) =>
        await index.SearchAsync(query, CancellationToken.None);

    private static string[] Ids(IEnumerable<SimilarityHit> hits) => [.. hits.Select(h => h.Sale.SaleId)];

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
