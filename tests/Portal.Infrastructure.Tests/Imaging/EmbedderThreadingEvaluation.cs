using System.Diagnostics;
using Portal.Infrastructure.Local.Imaging;
using Xunit.Abstractions;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>Compares ONNX Runtime thread settings on the same images, interleaved so they share the machine's load. Slow.</summary>
[Trait("Category", "Slow")]
public sealed class EmbedderThreadingEvaluation(ITestOutputHelper output)
{
    [SkippableFact]
    public void ComparesThreadSettings()
    {
        var root = ImagingTestData.ClothingSmall;
        Skip.If(root is null, ImagingTestData.MissingDatasetMessage);
        var all = ImagingTestData.Manifest(root).ToArray();
        new Random(7).Shuffle(all);
        var images = all.Take(60).Select(r => File.ReadAllBytes(r.Path)).ToArray();
        (string Name, OnnxEmbedderOptions Options)[] variants =
        [
            ("1 thread", new OnnxEmbedderOptions { IntraOpThreads = 1 }),
            ("2 threads, spin", new OnnxEmbedderOptions { IntraOpThreads = 2, AllowSpinning = true }),
            ("2 threads, no spin", new OnnxEmbedderOptions { IntraOpThreads = 2, AllowSpinning = false }),
        ];
        var embedders = variants.Select(v => new OnnxImageEmbedder(v.Options)).ToArray();
        var wall = new List<double>[variants.Length];
        var cpu = new double[variants.Length];
        for (var v = 0; v < variants.Length; v++)
        {
            wall[v] = [];
            embedders[v].Embed(images[0]);
            embedders[v].Embed(images[1]);
        }

        foreach (var image in images)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var cpuStart = Environment.CpuUsage.TotalTime;
                var start = Stopwatch.GetTimestamp();
                embedders[v].Embed(image);
                wall[v].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                cpu[v] += (Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds;
            }
        }

        for (var v = 0; v < variants.Length; v++)
        {
            var sorted = wall[v].Order().ToArray();
            output.WriteLine($"{variants[v].Name}: wall mean {sorted.Average():F1} ms, p50 {sorted[sorted.Length / 2]:F1}, min {sorted[0]:F1}; CPU {cpu[v] / images.Length:F1} ms per image");
            embedders[v].Dispose();
        }

        output.WriteLine($"load average {File.ReadAllText("/proc/loadavg")}");
    }
}
