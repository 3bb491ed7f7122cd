using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Validation;

/// <summary>Section <c>Validation</c>: thresholds of the nightly store-versus-lake validation.</summary>
public sealed class ValidationOptions
{
    public const string SectionName = "Validation";

    /// <summary>Store/lake row-count variance (percent of the store count) above which a partition raises an alert.</summary>
    [Range(0d, 100d)]
    public double VarianceThreshold { get; set; } = 5d;

    /// <summary>A price is an outlier when |ln(price) − median| &gt; k · 1.4826 · MAD within its tenant, category and currency.</summary>
    [Range(1d, 100d)]
    public double OutlierMadMultiplier { get; set; } = 3.5d;

    /// <summary>Groups (tenant, category, currency) smaller than this are too small to judge outliers.</summary>
    [Range(3, 1_000_000)]
    public int OutlierMinGroupSize { get; set; } = 20;

    /// <summary>Sale ids kept as examples per finding.</summary>
    [Range(1, 100)]
    public int MaxExamples { get; set; } = 5;

    /// <summary>Extra or overriding model → allowed dimensions (the defaults cover ResNet-18 and Titan).</summary>
    public Dictionary<string, int[]> EmbeddingDimensions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The models the portal knows and their allowed vector sizes.</summary>
    public static IReadOnlyDictionary<string, int[]> DefaultEmbeddingDimensions { get; } = new Dictionary<string, int[]>(StringComparer.Ordinal)
    {
        ["resnet18-onnx-v1"] = [512],
        ["resnet18-onnx-v2"] = [512],
        ["amazon.titan-embed-image-v1"] = [1024, 384, 256],
        // The Bedrock adapter records Titan vectors with their length in the id, so different lengths never meet.
        ["amazon.titan-embed-image-v1:1024"] = [1024],
        ["amazon.titan-embed-image-v1:384"] = [384],
        ["amazon.titan-embed-image-v1:256"] = [256],
    };

    /// <summary>Defaults overlaid with the configured map.</summary>
    public IReadOnlyDictionary<string, int[]> EffectiveEmbeddingDimensions()
    {
        var map = new Dictionary<string, int[]>(DefaultEmbeddingDimensions, StringComparer.Ordinal);
        foreach (var (model, dimensions) in EmbeddingDimensions)
        {
            map[model] = dimensions;
        }

        return map;
    }
}
