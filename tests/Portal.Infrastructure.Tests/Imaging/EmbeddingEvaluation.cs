using System.Diagnostics;
using Portal.Infrastructure.Local.Imaging;
using Xunit.Abstractions;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>
/// Measurements on clothing-small that feed the similarity threshold and the resize choice; slow (about a minute),
/// so excluded from the default run: <c>dotnet test --filter Category=Slow</c>. Results are printed, not asserted.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EmbeddingEvaluation(ITestOutputHelper output)
{
    private const int SampleSize = 300;
    private const int Seed = 42;

    [SkippableFact]
    public void MeasuresLatencySimilarityAndPrecisionForSquashAndCenterCrop()
    {
        var root = ImagingTestData.ClothingSmall;
        Skip.If(root is null, ImagingTestData.MissingDatasetMessage);
        var sample = Sample(root);
        var images = sample.Select(r => File.ReadAllBytes(r.Path)).ToArray();
        var labels = sample.Select(r => r.Label).ToArray();
        output.WriteLine($"{SampleSize} random images of clothing-small (seed {Seed}), {labels.Distinct().Count()} labels, {Environment.ProcessorCount} cores");

        foreach (var fit in new[] { ImageFit.Squash, ImageFit.CenterCrop })
        {
            using var embedder = new OnnxImageEmbedder(new OnnxEmbedderOptions { Fit = fit });
            for (var i = 0; i < 5; i++)
            {
                embedder.Embed(images[i]);
            }

            var vectors = new float[images.Length][];
            var timings = new double[images.Length];
            var cpuBefore = Environment.CpuUsage.TotalTime;
            for (var i = 0; i < images.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                vectors[i] = embedder.Embed(images[i]);
                timings[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            var cpuPerImage = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / images.Length;

            var same = new List<double>();
            var different = new List<double>();
            for (var i = 0; i < vectors.Length; i++)
            {
                for (var j = i + 1; j < vectors.Length; j++)
                {
                    (labels[i] == labels[j] ? same : different).Add(OnnxImageEmbedderTests.Cosine(vectors[i], vectors[j]));
                }
            }

            output.WriteLine($"--- {fit} ---");
            output.WriteLine($"latency ms (decode+resize+inference, default options): mean {timings.Average():F1}, p50 {Percentile(timings, 0.5):F1}, p90 {Percentile(timings, 0.9):F1}, max {timings.Max():F1}; process CPU {cpuPerImage:F1} ms per image; load average {LoadAverage()}");
            output.WriteLine($"same-label cosine  (n={same.Count}): {Describe(same)}");
            output.WriteLine($"diff-label cosine  (n={different.Count}): {Describe(different)}");
            output.WriteLine($"precision@10 of same-label neighbours: {PrecisionAtK(vectors, labels, 10):F3}; precision@5: {PrecisionAtK(vectors, labels, 5):F3}; precision@1: {PrecisionAtK(vectors, labels, 1):F3}");
        }
    }

    [SkippableFact]
    public void MeasuresQualityStatisticsOfRealPhotos()
    {
        var root = ImagingTestData.ClothingSmall;
        Skip.If(root is null, ImagingTestData.MissingDatasetMessage);
        var sample = Sample(root);
        var inspector = new ImageInspector();
        var laplacian = new List<double>();
        var mean = new List<double>();
        var deviation = new List<double>();
        var flagged = new Dictionary<string, int>();
        var timings = new List<double>();
        foreach (var (path, _) in sample)
        {
            var upload = inspector.Inspect(File.ReadAllBytes(path)).Image!;
            var start = Stopwatch.GetTimestamp();
            using (var bitmap = SkiaImageDecoder.DecodeFitting(upload.Content.Span, LocalQualityAssessor.AnalysisSide)!)
            {
                var stats = ImageStatistics.Measure(bitmap);
                laplacian.Add(stats.LaplacianVariance);
                mean.Add(stats.MeanLuminance);
                deviation.Add(stats.LuminanceStdDev);
            }

            var findings = new SortedSet<string>();
            LocalQualityAssessor.AssessOne(upload, findings);
            timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            foreach (var finding in findings)
            {
                flagged[finding] = flagged.GetValueOrDefault(finding) + 1;
            }
        }

        output.WriteLine($"Laplacian variance: {Describe(laplacian)}");
        output.WriteLine($"mean luminance:     {Describe(mean)}");
        output.WriteLine($"luminance std dev:  {Describe(deviation)}");
        output.WriteLine($"findings: {string.Join(", ", flagged.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}/{sample.Count}"))}");
        output.WriteLine($"assessment ms per image (twice decoded here): mean {timings.Average():F1}");
    }

    private static IReadOnlyList<(string Path, string Label)> Sample(string root)
    {
        var all = ImagingTestData.Manifest(root).ToArray();
        new Random(Seed).Shuffle(all);
        return all.Take(SampleSize).ToList();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static double PrecisionAtK(float[][] vectors, string[] labels, int k)
    {
        double total = 0;
        for (var i = 0; i < vectors.Length; i++)
        {
            var neighbours = Enumerable.Range(0, vectors.Length)
                .Where(j => j != i)
                .OrderByDescending(j => OnnxImageEmbedderTests.Cosine(vectors[i], vectors[j]))
                .Take(k);
            total += neighbours.Count(j => labels[j] == labels[i]) / (double)k;
        }

        return total / vectors.Length;
    }

    private static string Describe(List<double> values) =>
        $"mean {values.Average():F3}, p10 {Percentile(values, 0.1):F3}, p50 {Percentile(values, 0.5):F3}, p90 {Percentile(values, 0.9):F3}";

    private static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var rank = q * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
