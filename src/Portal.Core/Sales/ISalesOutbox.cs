
namespace Portal.Core.Sales;

/// <summary>
/// The transactional outbox of the sales store: a sale and its outbox row are written in one local transaction, and a
/// lake writer drains the outbox into the lake in batches. Batches are claimed (rows bound to a batch id) before the
/// lake is written, so a crash after the lake write re-writes the same batch under the same name instead of a new one.
/// </summary>
public interface ISalesOutbox
{
    /// <summary>Adds the sales with an outbox row for each new one, in ONE transaction; returns per sale whether it was new.</summary>
    Task<IReadOnlyList<bool>> AddSalesWithOutboxAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="AddSalesWithOutboxAsync"/>, with each sale's further photos written in the same transaction (or item).
    /// The default serves outboxes that keep one photo per sale and refuses further photos rather than drop them.
    /// </summary>
    Task<IReadOnlyList<bool>> AddSalesWithPhotosAsync(IReadOnlyList<SaleWithPhotos> sales, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sales);
        if (sales.Any(s => s.MorePhotos.Count > 0))
        {
            throw new NotSupportedException($"{GetType().Name} keeps one photo per sale.");
        }

        return AddSalesWithOutboxAsync([.. sales.Select(s => (s.Sale, s.Embedding))], cancellationToken);
    }

    /// <summary>
    /// The next batch to drain: a claimed batch that was never marked drained (a crash) first, else up to
    /// <paramref name="maxRows"/> pending rows claimed now. Null when nothing is pending.
    /// </summary>
    Task<OutboxBatch?> ClaimBatchAsync(int maxRows, CancellationToken cancellationToken);

    /// <summary>Marks every row of the batch drained.</summary>
    Task MarkDrainedAsync(long batchId, CancellationToken cancellationToken);

    /// <summary>Rows not yet drained and the enqueue time of the oldest.</summary>
    Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>A claimed batch: its id (stable across crashes: it names the lake files) and the rows with their sale and embedding.</summary>
public sealed record OutboxBatch(long BatchId, IReadOnlyList<LakeRow> Rows);

public sealed record OutboxStatus(long Pending, DateTimeOffset? OldestEnqueuedAt);
