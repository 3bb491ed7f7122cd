using System.Collections.Concurrent;

namespace Portal.Core.Images;

/// <summary>
/// Quality assessments by the set of the photos' SHA-256 (order-insensitive), so excluding a comparable recomputes
/// without re-assessing the photos. Bounded: the oldest entries go first.
/// </summary>
public sealed class QualityCache(int capacity = 1024)
{
    private readonly ConcurrentDictionary<string, QualityAssessment> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>The cache key of a set of photos: their hashes sorted and joined.</summary>
    public static string KeyOf(IEnumerable<string> sha256s) => string.Join(',', sha256s.Order(StringComparer.Ordinal));

    public bool TryGet(string key, out QualityAssessment assessment) => _entries.TryGetValue(key, out assessment!);

    public void Set(string key, QualityAssessment assessment)
    {
        if (_entries.TryAdd(key, assessment))
        {
            _order.Enqueue(key);
            while (_entries.Count > capacity && _order.TryDequeue(out var oldest))
            {
                _entries.TryRemove(oldest, out _);
            }
        }
    }

    public int Count => _entries.Count;
}
