using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Tests.Engine;

/// <summary>Builds sales whose vectors have an exact, known cosine similarity to the query <c>e1</c>.</summary>
internal sealed class EngineFixture
{
    public const string Model = "test-model";
    public static readonly TenantId Tenant = new("acme");
    public static readonly DateTimeOffset Today = new(2025, 3, 31, 12, 0, 0, TimeSpan.Zero);

    public InMemorySalesIndex Index { get; } = new();
    public FakeTimeProvider Time { get; } = new(Today);
    /// <summary>
    /// The photo-only engine these tests compute by hand: a 90-day window widened once to 180, weights similarity × recency,
    /// no brand, title or market-level signal (tests of those set them).
    /// </summary>
    public PricingOptions Options { get; } = new()
    {
        DefaultMinSimilarity = 0.5, MaxComparables = 10, MinComparables = 3, MinFallbackSales = 3,
        LookbackWindow = TimeSpan.FromDays(90), WidenedLookbackWindow = TimeSpan.FromDays(180), MaxLookbackWindow = TimeSpan.FromDays(180),
        RecencyHalfLife = TimeSpan.FromDays(30), BrandWeight = 0, TitleWeight = 0, SimilarityTemperature = 0, MarketLevelWeight = 0,
    };

    public VisualSimilarityPricingEngine Engine() => new(Index, Microsoft.Extensions.Options.Options.Create(Options), Time);

    public static float[] Query(int dim = 8)
    {
        var q = new float[dim];
        q[0] = 1;
        return q;
    }

    /// <summary>A unit vector at cosine <paramref name="similarity"/> from e1, leaning on axis <paramref name="axis"/>.</summary>
    public static float[] VectorAt(double similarity, int axis = 1, int dim = 8)
    {
        var v = new float[dim];
        v[0] = (float)similarity;
        v[axis] = (float)Math.Sqrt(1 - similarity * similarity);
        return v;
    }

    public SaleRecord AddSale(string id, decimal price, double ageDays, double similarity, ItemCondition? condition = ItemCondition.VeryGood,
        string category = "shoes", string? brand = "Acme", int axis = 1, bool withVector = true, string? imageKey = null)
    {
        var sale = new SaleRecord
        {
            Tenant = Tenant,
            ProductId = "p-" + id,
            SaleId = id,
            Category = category,
            Brand = brand,
            Condition = condition,
            Title = "item " + id,
            SoldPrice = price,
            Currency = "EUR",
            SoldAt = Today.AddDays(-ageDays),
            ImageKey = imageKey,
        };
        Index.Add(sale, withVector ? new StoredEmbedding(Model, VectorAt(similarity, axis)) : null);
        return sale;
    }

    public static PricingQuery QueryFor(string category = "shoes", ItemCondition condition = ItemCondition.VeryGood, string? brand = null,
        IReadOnlySet<string>? exclude = null) => new()
    {
        Tenant = Tenant,
        Category = category,
        Condition = condition,
        Brand = brand,
        EmbeddingModel = Model,
        Embedding = Query(),
        ExcludedSaleIds = exclude ?? new HashSet<string>(),
    };
}
