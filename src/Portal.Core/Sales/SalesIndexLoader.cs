using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Sales;

/// <summary>
/// Fills the in-memory index from the store at start: the store splits its live sales into disjoint segments
/// (<see cref="ISalesStore.PlanLoadAsync"/>), <paramref name="parallelism"/> of them stream into the index at a time (its adds are
/// thread-safe), and <see cref="Progress"/> counts them, so the portal answers, marked "warming", before the load is done.
/// </summary>
/// <param name="parallelism">Segments read at once (<c>Portal:IndexLoadParallelism</c>); null = one per processor.</param>
public sealed class SalesIndexLoader(
    ISalesStore store, ISalesIndex index, TimeProvider timeProvider, IndexLoadProgress? progress = null, int? parallelism = null)
{
    /// <summary>Segments per reader: a reader that finishes a short segment takes the next, so one slow segment does not hold the end.</summary>
    private const int SegmentsPerReader = 4;

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _parallelism = parallelism ?? Environment.ProcessorCount;

    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    public Task Loaded => _loaded.Task;

    public IndexLoadProgress Progress { get; } = progress ?? new IndexLoadProgress();

    public long SalesLoaded => Progress.SalesLoaded;

    /// <summary>When the load began: the change feed is followed from here, so nothing written during the load is missed.</summary>
    public DateTimeOffset LoadStartedAt { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(_parallelism, 1, "parallelism");
        // Taken before the plan: a sale written after this instant is in the feed the follower reads from here.
        LoadStartedAt = timeProvider.GetUtcNow();
        try
        {
            var plan = await store.PlanLoadAsync(_parallelism * SegmentsPerReader, cancellationToken);
            Progress.Started(plan.EstimatedSales);
            await Parallel.ForEachAsync(
                plan.Segments,
                new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
                LoadSegmentAsync);
            Progress.Completed();
            _loaded.TrySetResult();
        }
        catch (Exception ex)
        {
            _loaded.TrySetException(ex);
            throw;
        }
    }

    private async ValueTask LoadSegmentAsync(SalesLoadSegment segment, CancellationToken cancellationToken)
    {
        await foreach (var sale in store.StreamLoadSegmentAsync(segment, cancellationToken))
        {
            index.Add(sale);
            // One interlocked add per sale: next to normalising a vector and publishing it, it is noise, and the count is exact.
            Progress.Added(1);
        }
    }
}
