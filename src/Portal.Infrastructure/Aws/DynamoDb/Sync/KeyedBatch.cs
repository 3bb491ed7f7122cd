namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Runs a batch in order per key and in parallel across keys: DynamoDB has no multi-item transaction here, so a micro-batch
/// pays one round trip per item, but items of different keys (idempotency keys, products) do not depend on each other.
/// </summary>
internal static class KeyedBatch
{
    public static async Task<TResult[]> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items, Func<TItem, string> keyOf, Func<TItem, CancellationToken, Task<TResult>> run, int maxParallel, CancellationToken cancellationToken)
    {
        var results = new TResult[items.Count];
        var groups = Enumerable.Range(0, items.Count).GroupBy(i => keyOf(items[i]), StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken }, async (indexes, token) =>
        {
            foreach (var index in indexes)
            {
                results[index] = await run(items[index], token);
            }
        });
        return results;
    }
}
