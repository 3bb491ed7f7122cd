using BenchmarkDotNet.Attributes;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Formats.Imaging;

namespace Portal.Benchmarks;

/// <summary>
/// One image embedded with ResNet18 (decode and resize included), and the decode and resize alone.
/// Uses a real JPEG from <c>shared/datasets/clothing-small</c> when it is next to the repository, else the demo's sample photo (also real).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 10)]
public class EmbeddingBenchmarks
{
    private OnnxImageEmbedder embedder = null!;
    private byte[] image = [];

    /// <summary>ONNX Runtime intra-op threads: 1 is the default (best under concurrent load), 2 the idle single-request case.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        image = LoadImage(out var source);
        Console.WriteLine($"// EmbeddingBenchmarks image: {source} ({image.Length} bytes)");
        embedder = new OnnxImageEmbedder(new OnnxEmbedderOptions { ModelDirectory = FindModelDirectory(), IntraOpThreads = Threads });
    }

    [GlobalCleanup]
    public void Cleanup() => embedder.Dispose();

    [Benchmark(Description = "Embed one JPEG (decode + resize + ResNet18)")]
    public Task<float[]> Embed() => embedder.EmbedAsync(image, CancellationToken.None);

    [Benchmark(Description = "Decode and resize to 224x224 only")]
    public int DecodeAndResize()
    {
        using var bitmap = SkiaImageDecoder.DecodeSquare(image, OnnxImageEmbedder.InputSize, ImageFit.CenterCrop)!;
        return bitmap.Width;
    }

    private static byte[] LoadImage(out string source)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var manifest = Path.Combine(dir.FullName, "shared", "datasets", "clothing-small", "manifest.csv");
            if (File.Exists(manifest))
            {
                var first = File.ReadLines(manifest).Skip(1).First().Split(',')[0];
                source = Path.Combine(Path.GetDirectoryName(manifest)!, first);
                return File.ReadAllBytes(source);
            }
        }

        source = $"demo sample photo {DemoSamples.ShoeFile} (clothing-small not found)";
        return DemoSamples.ShoePhoto.ToArray();
    }

    private static string FindModelDirectory()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "Models"),
            Path.Combine(Path.GetDirectoryName(typeof(EmbeddingBenchmarks).Assembly.Location) ?? AppContext.BaseDirectory, "Models"),
        ];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "ResNet18.onnx"))) ?? candidates[0];
    }
}
