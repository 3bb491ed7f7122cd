using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>
/// Section <c>Aws:Bedrock</c>: the models, the endpoint and the limits of the Bedrock Runtime adapters (Titan image embeddings,
/// Nova Lite quality). Validated at start; every failure names its key.
/// </summary>
public sealed class BedrockOptions
{
    public const string SectionName = "Aws:Bedrock";
    public const string DefaultEmbeddingModelId = "amazon.titan-embed-image-v1";
    public const string DefaultQualityModelId = "amazon.nova-lite-v1:0";

    /// <summary>The vector lengths Titan Multimodal Embeddings can return.</summary>
    public static IReadOnlyList<int> SupportedDimensions { get; } = [256, 384, 1024];

    /// <summary>Replaces the embedded ResNet18 as the portal's image embedding generator.</summary>
    public bool UseForEmbeddings { get; set; } = true;

    /// <summary>Replaces the image-statistics assessor (which stays as the fallback) with Nova Lite.</summary>
    public bool UseForQuality { get; set; } = true;

    [Required(ErrorMessage = "Aws:Bedrock:EmbeddingModelId is required.")]
    [RegularExpression(ModelIdPattern, ErrorMessage = "Aws:Bedrock:EmbeddingModelId must be a Bedrock model id such as amazon.titan-embed-image-v1.")]
    public string EmbeddingModelId { get; set; } = DefaultEmbeddingModelId;

    /// <summary><c>embeddingConfig.outputEmbeddingLength</c>: 256, 384 or 1024.</summary>
    public int EmbeddingDimension { get; set; } = 1024;

    /// <summary>A model id or an inference profile id (<c>eu.amazon.nova-lite-v1:0</c>).</summary>
    [Required(ErrorMessage = "Aws:Bedrock:QualityModelId is required.")]
    [RegularExpression(ModelIdPattern, ErrorMessage = "Aws:Bedrock:QualityModelId must be a Bedrock model or inference profile id such as amazon.nova-lite-v1:0.")]
    public string QualityModelId { get; set; } = DefaultQualityModelId;

    /// <summary>Endpoint override (a VPC endpoint, or a loopback fake in tests); empty = <c>https://bedrock-runtime.{region}.amazonaws.com</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Budget of one call, retries included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Budget of one attempt; a slower attempt is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long pricing waits for Nova Lite before it falls back to the local assessor.</summary>
    public TimeSpan QualityTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Retries after the first attempt on throttling (429), 5xx, timeouts and connection failures.</summary>
    [Range(0, 10, ErrorMessage = "Aws:Bedrock:MaxRetries must be 0-10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; it doubles with jitter (a <c>Retry-After</c> from the service wins).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>An image larger than this (bytes) is re-encoded as JPEG before it is sent.</summary>
    [Range(100_000, 20_000_000, ErrorMessage = "Aws:Bedrock:MaxImageBytes must be 100000-20000000.")]
    public int MaxImageBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>An image whose long side exceeds this (pixels) is resized before it is sent (Titan accepts at most 2048).</summary>
    [Range(256, 2048, ErrorMessage = "Aws:Bedrock:MaxImageSide must be 256-2048.")]
    public int MaxImageSide { get; set; } = 2048;

    /// <summary>The id stored with every Titan vector: model and length, so vectors of different lengths never meet.</summary>
    public string RecordedEmbeddingModelId => $"{EmbeddingModelId}:{EmbeddingDimension}";

    // Letters, digits, dots, dashes and colons: what Bedrock model and inference profile ids consist of, nothing path-like.
    private const string ModelIdPattern = "^[a-z0-9][a-z0-9.:-]{2,127}$";
}
