namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// How far this host's index load is. Until it completes the index is "warming": pricing still answers from what is loaded
/// and marks its answer, readiness reports not ready (a load balancer sends traffic to warm hosts) and the workbench says so.
/// </summary>
public sealed class IndexLoadProgress
{
    private long _loaded;
    private long _estimated = -1;
    private volatile bool _complete;

    /// <summary>The load began; the store expects about <paramref name="estimatedSales"/> sales (null when it cannot tell).</summary>
    public void Started(long? estimatedSales)
    {
        Interlocked.Exchange(ref _loaded, 0);
        Interlocked.Exchange(ref _estimated, estimatedSales ?? -1);
    }

    public void Added(long sales) => Interlocked.Add(ref _loaded, sales);

    public void Completed() => _complete = true;

    public bool IsComplete => _complete;

    public long SalesLoaded => Interlocked.Read(ref _loaded);

    /// <summary>Null once the index holds every sale the store held when the load began; otherwise how far the load is.</summary>
    public IndexWarming? Warming
    {
        get
        {
            if (_complete)
            {
                return null;
            }

            var estimated = Interlocked.Read(ref _estimated);
            return new IndexWarming(SalesLoaded, estimated < 0 ? null : estimated);
        }
    }
}

/// <summary>An index still loading: the sales it holds so far and about how many it will hold (null when unknown).</summary>
public sealed record IndexWarming(long SalesLoaded, long? EstimatedSales)
{
    /// <summary>0–100 (one decimal), capped at 99.9 while loading (the estimate may be low); null without an estimate.</summary>
    public double? PercentLoaded => EstimatedSales is > 0 and var total
        ? Math.Min(99.9, Math.Round(100.0 * SalesLoaded / total, 1))
        : null;
}
