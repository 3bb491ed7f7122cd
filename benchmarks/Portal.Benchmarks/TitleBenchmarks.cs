using BenchmarkDotNet.Attributes;
using Portal.Core.Pricing.Similarity;

namespace Portal.Benchmarks;

/// <summary>
/// One listing title to a vector, uncached, with each <c>Pricing:TitleModel</c>: hashed 3-grams and 3-gram TF-IDF (IDF over
/// 1,000 titles). The engine caches vectors per title, so this is the cost of a title seen for the first time. (MiniLM,
/// measured the same way before it was dropped: 6.0 ms per title on one ONNX Runtime thread.)
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 10)]
public class TitleBenchmarks
{
    private readonly string[] _titles =
    [
        "Paisagem com rio e barcos", "Retrato de senhora", "Natureza morta com flores", "Vista de Lisboa",
        "Sem titulo (Nu feminino)", "Candeeiro de mesa", "Composicao abstracta", "Marinha ao entardecer",
    ];

    private TfIdfTitleVectoriser.Model _tfidf = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() =>
        _tfidf = TfIdfTitleVectoriser.Model.FromTitles(Enumerable.Range(0, 1000).Select(i => $"{_titles[i % _titles.Length]} {i}"), 1000);

    private string Next() => _titles[_next++ % _titles.Length];

    [Benchmark(Baseline = true, Description = "trigram: hashed 3-grams")]
    public float[]? Trigram() => TrigramTitleVectoriser.Compute(Next());

    [Benchmark(Description = "tfidf: 3-grams × IDF")]
    public float[]? TfIdf() => _tfidf.Compute(Next());
}
