using System.Numerics.Tensors;
using System.Text;
using Microsoft.Extensions.AI;
using Portal.Core.Images;
using Portal.Core.Imports;
using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing.Evaluation;

/// <summary>
/// How well the embedder finds look-alikes: for each photo of a labelled manifest, are its nearest neighbours
/// of the same label? Also reports how similarities of same-label and different-label pairs are distributed,
/// which is what the similarity threshold is calibrated on.
/// </summary>
public sealed class RetrievalEvaluator(IImageInspector inspector, IEmbeddingGenerator<DataContent, Embedding<float>> embedder)
{
    public async Task<RetrievalReport> RunAsync(string manifestPath, string labelColumn, string? imagesRoot, int k, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
        => await RunAsync(manifestPath, labelColumn, imagesRoot, k, progress, vectorsOut: null, cancellationToken);

    /// <summary>As above, each photo's vector also written to <paramref name="vectorsOut"/> as one CSV row (image, label, components), for analysis.</summary>
    public async Task<RetrievalReport> RunAsync(string manifestPath, string labelColumn, string? imagesRoot, int k, IProgress<(int Done, int Total)>? progress, TextWriter? vectorsOut, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(imagesRoot ?? Path.GetDirectoryName(Path.GetFullPath(manifestPath))!);
        using var reader = new StreamReader(manifestPath, Encoding.UTF8);
        var records = CsvReader.Read(reader).ToList();
        if (records.Count < 2)
        {
            throw new InvalidDataException("The manifest has no rows.");
        }

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var imageIndex = header.IndexOf("image");
        var labelIndex = header.IndexOf(labelColumn.ToLowerInvariant());
        if (imageIndex < 0 || labelIndex < 0)
        {
            throw new InvalidDataException($"The manifest needs the columns 'image' and '{labelColumn}'.");
        }

        var vectors = new List<float[]>();
        var labels = new List<string>();
        var skipped = 0;
        var rows = records.Skip(1).ToList();
        foreach (var (_, fields) in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (fields.Count <= Math.Max(imageIndex, labelIndex) || !SalesImporter.TryResolveUnder(root, fields[imageIndex].Trim(), out var path) || !File.Exists(path))
            {
                skipped++;
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var inspection = inspector.Inspect(bytes);
            if (!inspection.IsValid)
            {
                skipped++;
                continue;
            }

            var vector = await embedder.GenerateVectorAsync(new DataContent(bytes, inspection.Image!.ContentType), cancellationToken: cancellationToken);
            vectors.Add(vector.ToArray());
            labels.Add(fields[labelIndex].Trim());
            if (vectorsOut is not null)
            {
                await vectorsOut.WriteLineAsync(string.Join(',', [fields[imageIndex].Trim(), labels[^1], .. vectors[^1].Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]));
            }

            progress?.Report((vectors.Count + skipped, rows.Count));
        }

        return Score(vectors, labels, k, skipped);
    }

    /// <summary>Precision@k (query excluded), the NS score (same-label items in the top 4, query included) and pair similarity quantiles.</summary>
    public static RetrievalReport Score(IReadOnlyList<float[]> vectors, IReadOnlyList<string> labels, int k, int skipped)
    {
        var n = vectors.Count;
        double precisionSum = 0, nsSum = 0;
        var same = new List<double>();
        var different = new List<double>();
        var scores = new float[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                scores[j] = TensorPrimitives.Dot(vectors[i], vectors[j]);
                if (j > i)
                {
                    (labels[i] == labels[j] ? same : different).Add(scores[j]);
                }
            }

            scores[i] = float.NegativeInfinity;
            var order = Enumerable.Range(0, n).OrderByDescending(j => scores[j]).ThenBy(j => j).ToArray();
            precisionSum += order.Take(k).Count(j => labels[j] == labels[i]) / (double)Math.Min(k, n - 1);
            nsSum += 1 + order.Take(3).Count(j => labels[j] == labels[i]);
        }

        return new RetrievalReport(
            N: n,
            Skipped: skipped,
            K: k,
            PrecisionAtK: Math.Round(precisionSum / n, 4),
            NsScore: Math.Round(nsSum / n, 4),
            SameLabel: SimilarityDistribution.Of(same),
            DifferentLabel: SimilarityDistribution.Of(different));
    }
}

public sealed record RetrievalReport(int N, int Skipped, int K, double PrecisionAtK, double NsScore, SimilarityDistribution SameLabel, SimilarityDistribution DifferentLabel);

public sealed record SimilarityDistribution(long Pairs, double Mean, double P10, double P50, double P90)
{
    public static SimilarityDistribution Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return new SimilarityDistribution(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var array = values.ToArray();
        var equal = new double[array.Length];
        Array.Fill(equal, 1.0);
        return new SimilarityDistribution(array.Length, Math.Round(array.Average(), 4),
            Math.Round(WeightedStatistics.Quantile(array, equal, 0.1), 4),
            Math.Round(WeightedStatistics.Quantile(array, equal, 0.5), 4),
            Math.Round(WeightedStatistics.Quantile(array, equal, 0.9), 4));
    }
}
