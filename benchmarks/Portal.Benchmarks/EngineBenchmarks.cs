using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Benchmarks;

/// <summary>
/// The engine end to end with the query embedding given: phases 1-4 over 100,000 candidates of one category with every
/// signal on (brand, title, market level; the default options) (floor: p95 ≤ 25 ms on 2 cores).
/// </summary>
[Config(typeof(Percentiles))]
[SimpleJob(warmupCount: 3, iterationCount: 20)]
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int Dimension = 512;
    private static readonly string[] Words = ["leather", "boot", "sneaker", "canvas", "suede", "runner", "classic", "high", "low", "trail"];
    private VisualSimilarityPricingEngine _engine = null!;
    private PricingQuery _query = null!;

    [Params(100_000)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        var index = new InMemorySalesIndex();
        var tenant = new TenantId("bench");
        var now = new DateTimeOffset(2026, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var centres = Enumerable.Range(0, 200).Select(_ => RandomVector(random)).ToArray();
        for (var i = 0; i < Candidates; i++)
        {
            var centre = centres[random.Next(centres.Length)];
            var vector = centre.Select(x => x + (float)(random.NextDouble() - 0.5) * 0.6f).ToArray();
            index.Add(new SaleRecord
            {
                Tenant = tenant,
                ProductId = $"p{i}",
                SaleId = $"s{i:000000}",
                Category = "shoes",
                Brand = $"brand-{i % 40}",
                Title = $"{Words[i % Words.Length]} {Words[(i / 7) % Words.Length]} model {i % 300}",
                Condition = (ItemCondition)(i % 6),
                SoldPrice = 10 + random.Next(0, 500),
                Currency = "EUR",
                SoldAt = now.AddDays(-random.Next(0, 85)),
            }, new StoredEmbedding("bench-model", vector));
        }

        var options = Options.Create(new PricingOptions { DefaultMinSimilarity = 0.5 });
        _engine = new VisualSimilarityPricingEngine(index, options, TimeProvider.System);
        var query = centres[0].Select(x => x + (float)(random.NextDouble() - 0.5) * 0.6f).ToArray();
        _query = new PricingQuery
        {
            Tenant = tenant,
            Category = "shoes",
            Condition = ItemCondition.VeryGood,
            EmbeddingModel = "bench-model",
            Embedding = VectorMath.Normalize(query),
            PricingDate = now,
            Brand = "brand-3",
            Title = "leather boot model 12",
        };

        var check = _engine.Calculate(_query);
        Console.WriteLine($"// engine check: priced={check.IsPriced}, comparables={check.Suggestion?.Comparables.Count}, fallback={check.Suggestion?.Fallback?.Kind ?? "none"}");
    }

    [Benchmark]
    public decimal CalculateWithEmbeddingGiven() => _engine.Calculate(_query).Suggestion!.Price;

    private static float[] RandomVector(Random random) =>
        Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private sealed class Percentiles : ManualConfig
    {
        public Percentiles() => AddColumn(StatisticColumn.P95);
    }
}
