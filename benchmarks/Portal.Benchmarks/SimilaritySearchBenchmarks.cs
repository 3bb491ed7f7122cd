using BenchmarkDotNet.Attributes;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Benchmarks;

/// <summary>
/// Top-20 similarity search over N × 512 clustered unit vectors: exact float32 scan and int8 scan + exact re-rank.
/// Run with <c>dotnet run -c Release --project benchmarks/Portal.Benchmarks -- --filter '*SimilaritySearch*'</c>.
/// Not sealed: BenchmarkDotNet derives a runner class from it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class SimilaritySearchBenchmarks
{
    private const int Dimension = 512;
    private const int K = 20;
    private const int Clusters = 2000;
    private const int QueryCount = 64;
    private const int RecallQueries = 50;

    private VectorCollection _collection = null!;
    private float[][] _queries = [];
    private int _next;

    [Params(100_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261128);
        // A pool of Gaussian noise sliced at random offsets: clustered data in seconds, deterministically.
        var noise = Gaussian(random, 1 << 20, 1f / MathF.Sqrt(Dimension));
        var centres = Enumerable.Range(0, Clusters).Select(_ => VectorMath.Normalize(Gaussian(random, Dimension, 1f))).ToArray();
        _collection = new VectorCollection("bench", Dimension, new IndexOptions { EnableQuantizedSearch = true });
        var buffer = new float[Dimension];
        var epoch = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var tenant = new TenantId("bench");
        for (var i = 0; i < N; i++)
        {
            Around(random, centres[random.Next(Clusters)], noise, spread: 1.0f, buffer);
            var sale = new SaleRecord
            {
                Tenant = tenant,
                ProductId = $"p{i}",
                SaleId = $"s{i:D7}",
                Category = "shoes",
                SoldPrice = 10m,
                Currency = "EUR",
                SoldAt = epoch.AddMinutes(i),
            };
            _collection.Add(sale, VectorMath.Normalize(buffer));
        }

        _queries = new float[QueryCount][];
        for (var q = 0; q < QueryCount; q++)
        {
            Around(random, centres[random.Next(Clusters)], noise, spread: 1.2f, buffer);
            _queries[q] = VectorMath.Normalize(buffer);
        }

        ReportRecallAndMemory();
    }

    [Benchmark(Baseline = true)]
    public int Exact() => _collection.SearchExact(NextQuery(), SearchFilter.None, K, -1f).Count;

    [Benchmark]
    public int Quantized() => _collection.SearchQuantized(NextQuery(), SearchFilter.None, K, -1f).Count;

    private float[] NextQuery() => _queries[_next++ % QueryCount];

    private void ReportRecallAndMemory()
    {
        int found = 0, wanted = 0;
        for (var q = 0; q < RecallQueries; q++)
        {
            var query = _queries[q % QueryCount];
            var exact = _collection.SearchExact(query, SearchFilter.None, K, -1f).Select(h => h.Sale.SaleId).ToHashSet(StringComparer.Ordinal);
            found += _collection.SearchQuantized(query, SearchFilter.None, K, -1f).Count(h => exact.Contains(h.Sale.SaleId));
            wanted += exact.Count;
        }

        var memory = _collection.GetMemoryUsage();
        const double MiB = 1024 * 1024;
        Console.WriteLine($"// SimilaritySearch N={N:N0} dim={Dimension}: quantised recall@{K} vs exact over {RecallQueries} queries = {(double)found / wanted:F4}");
        Console.WriteLine(
            $"// SimilaritySearch N={N:N0} memory: raw float32 {memory.RawFloat32Bytes / MiB:F1} MiB; " +
            $"float32 chunks {memory.Float32Bytes / MiB:F1} MiB + metadata {memory.MetadataBytes / MiB:F1} MiB = {memory.Float32Overhead:F3}x raw; " +
            $"int8 + scales {memory.Int8Bytes / MiB:F1} MiB = {(double)memory.Int8Bytes / memory.RawFloat32Bytes:F3}x raw");
    }

    private static void Around(Random random, float[] centre, float[] noise, float spread, float[] destination)
    {
        var offset = random.Next(noise.Length - Dimension);
        for (var d = 0; d < Dimension; d++)
        {
            destination[d] = centre[d] + spread * noise[offset + d];
        }
    }

    private static float[] Gaussian(Random random, int length, float sigma)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) * sigma;
        }

        return values;
    }
}
