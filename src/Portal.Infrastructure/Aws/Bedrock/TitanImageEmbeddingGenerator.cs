using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Portal.Core.Images;

namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>
/// Image embeddings from Titan Multimodal Embeddings on Bedrock, behind the same interface as the embedded ResNet18. The model
/// id recorded with every vector carries its length (<c>amazon.titan-embed-image-v1:1024</c>), so vectors of another model or
/// another length are never compared. Vectors are cached by the image's SHA-256 in <see cref="IImageEmbeddingStore"/>: a photo
/// seen before (by pricing, the sync or a re-embedding run) is never sent again. Images are resized and re-encoded to fit
/// Titan's limits before sending; vectors are L2-normalised like the local model's.
/// </summary>
public sealed class TitanImageEmbeddingGenerator : IEmbeddingGenerator<DataContent, Embedding<float>>
{
    private readonly BedrockRuntimeClient _client;
    private readonly IImageEmbeddingStore _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<TitanImageEmbeddingGenerator> _logger;
    private readonly BedrockOptions _options;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public TitanImageEmbeddingGenerator(BedrockRuntimeClient client, IImageEmbeddingStore cache, IOptions<BedrockOptions> options, TimeProvider time, ILogger<TitanImageEmbeddingGenerator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _cache = cache;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _metadata = new EmbeddingGeneratorMetadata("aws.bedrock", null, ModelId, _options.EmbeddingDimension);
    }

    /// <summary>The id stored with every vector (model and length).</summary>
    public string ModelId => _options.RecordedEmbeddingModelId;

    public int Dimension => _options.EmbeddingDimension;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            var vector = await EmbedAsync(value.Data, cancellationToken);
            result.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = _time.GetUtcNow() });
        }

        return result;
    }

    /// <summary>Embeds one encoded image; <see cref="InvalidDataException"/> when it cannot be decoded.</summary>
    public async Task<float[]> EmbedAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(image.Span));
        if (await _cache.TryGetAsync(ModelId, sha256, cancellationToken) is { } cached && cached.Length == Dimension)
        {
            return cached;
        }

        var prepared = BedrockImage.Prepare(image, _options.MaxImageSide, _options.MaxImageBytes);
        if (prepared.Reencoded)
        {
            BedrockLog.ImagePrepared(_logger, image.Length, prepared.Bytes.Length, prepared.Width, prepared.Height);
        }

        var body = new JsonObject
        {
            ["inputImage"] = Convert.ToBase64String(prepared.Bytes),
            ["embeddingConfig"] = new JsonObject { ["outputEmbeddingLength"] = Dimension },
        };
        using var answer = await _client.InvokeModelAsync(_options.EmbeddingModelId, body, cancellationToken);
        var vector = ReadEmbedding(answer.RootElement);
        await _cache.PutAsync(ModelId, sha256, vector, cancellationToken);
        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The HTTP client belongs to the factory; nothing to release.
    }

    private float[] ReadEmbedding(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("embedding", out var embedding) || embedding.ValueKind != JsonValueKind.Array)
        {
            throw new BedrockRuntimeException(_options.EmbeddingModelId, 200, "SerializationException", "The answer has no 'embedding' array.", null);
        }

        if (embedding.GetArrayLength() != Dimension)
        {
            throw new BedrockRuntimeException(_options.EmbeddingModelId, 200, "SerializationException", $"The answer has {embedding.GetArrayLength()} values; {Dimension} were asked for.", null);
        }

        var vector = new float[Dimension];
        var i = 0;
        double sum = 0;
        foreach (var item in embedding.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetSingle(out var value) || !float.IsFinite(value))
            {
                throw new BedrockRuntimeException(_options.EmbeddingModelId, 200, "SerializationException", $"Value {i} of the embedding is not a finite number.", null);
            }

            vector[i++] = value;
            sum += (double)value * value;
        }

        var norm = Math.Sqrt(sum);
        if (norm is 0 || !double.IsFinite(norm))
        {
            throw new BedrockRuntimeException(_options.EmbeddingModelId, 200, "SerializationException", "The embedding has no direction (zero norm).", null);
        }

        var inverse = (float)(1 / norm);
        for (var j = 0; j < vector.Length; j++)
        {
            vector[j] *= inverse;
        }

        return vector;
    }
}
