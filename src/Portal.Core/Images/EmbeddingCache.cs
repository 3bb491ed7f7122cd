using System.Collections.Concurrent;

namespace Portal.Core.Images;

/// <summary>
/// Query embeddings by image SHA-256 and model, so excluding a comparable recomputes without re-embedding.
/// Bounded: the oldest entries go first.
/// </summary>
public sealed class EmbeddingCache(int capacity = 2048)
{
    private readonly ConcurrentDictionary<(string Model, string Sha256), float[]> _entries = new();
    private readonly ConcurrentQueue<(string Model, string Sha256)> _order = new();

    public bool TryGet(string model, string sha256, out float[] vector) => _entries.TryGetValue((model, sha256), out vector!);

    public void Set(string model, string sha256, float[] vector)
    {
        if (_entries.TryAdd((model, sha256), vector))
        {
            _order.Enqueue((model, sha256));
            while (_entries.Count > capacity && _order.TryDequeue(out var oldest))
            {
                _entries.TryRemove(oldest, out _);
            }
        }
    }

    public int Count => _entries.Count;
}
