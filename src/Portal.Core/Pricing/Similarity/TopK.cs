namespace Portal.Core.Pricing.Similarity;

/// <summary>A scored slot; ordered by score, then by sale id ordinal (smaller id ranks first).</summary>
internal readonly record struct Candidate(float Score, string SaleId, VectorChunk Chunk, int Row)
{
    /// <summary>True when <paramref name="a"/> ranks below <paramref name="b"/>.</summary>
    public static bool RanksBelow(in Candidate a, in Candidate b) =>
        a.Score < b.Score || (a.Score == b.Score && string.CompareOrdinal(a.SaleId, b.SaleId) > 0);

    public static int BestFirst(Candidate a, Candidate b)
    {
        var byScore = b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : string.CompareOrdinal(a.SaleId, b.SaleId);
    }
}

/// <summary>Bounded min-heap keeping the best <c>capacity</c> candidates; the root is the worst kept.</summary>
internal sealed class TopK(int capacity)
{
    private readonly Candidate[] _items = new Candidate[capacity];
    private int _count;

    public int Count => _count;

    public bool IsFull => _count == _items.Length;

    /// <summary>The score a candidate must reach (ties are settled by sale id in <see cref="Offer"/>).</summary>
    public float Threshold => IsFull ? _items[0].Score : float.NegativeInfinity;

    public void Offer(in Candidate candidate)
    {
        if (_items.Length == 0)
        {
            return;
        }

        if (_count < _items.Length)
        {
            var i = _count++;
            _items[i] = candidate;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Candidate.RanksBelow(_items[i], _items[parent]))
                {
                    break;
                }

                (_items[i], _items[parent]) = (_items[parent], _items[i]);
                i = parent;
            }

            return;
        }

        if (!Candidate.RanksBelow(_items[0], candidate))
        {
            return;
        }

        _items[0] = candidate;
        var at = 0;
        while (true)
        {
            var left = 2 * at + 1;
            if (left >= _count)
            {
                break;
            }

            var worst = left;
            var right = left + 1;
            if (right < _count && Candidate.RanksBelow(_items[right], _items[left]))
            {
                worst = right;
            }

            if (!Candidate.RanksBelow(_items[worst], _items[at]))
            {
                break;
            }

            (_items[at], _items[worst]) = (_items[worst], _items[at]);
            at = worst;
        }
    }

    public ReadOnlySpan<Candidate> Items => _items.AsSpan(0, _count);
}
