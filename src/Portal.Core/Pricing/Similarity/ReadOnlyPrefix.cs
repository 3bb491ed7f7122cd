using System.Collections;

namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// A read-only view of the first <c>count</c> items of an append-only array. The owner only writes beyond
/// every published count (and grows by copying into a new array), so the view never changes.
/// </summary>
internal sealed class ReadOnlyPrefix<T>(T[] items, int count) : IReadOnlyList<T>
{
    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
            return items[index];
        }
    }

    public int Count => count;

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
