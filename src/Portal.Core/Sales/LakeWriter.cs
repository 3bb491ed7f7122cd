using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Core.Sync;

namespace Portal.Core.Sales;

/// <summary>
/// Drains the sales outbox into the lake in batches: claim a batch (its id is stable), write it as Parquet under a name
/// derived from that id (atomically, replacing a file left by a crashed attempt), then mark it drained. A crash at any
/// point re-writes the same batch under the same name: nothing lost, nothing doubled.
/// </summary>
public sealed class LakeWriter(ISalesOutbox outbox, ISalesLake lake, IOptions<SyncOptions> options, SyncMetrics metrics, TimeProvider timeProvider)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The lake file name of an outbox batch.</summary>
    public static string BatchName(long batchId) => "outbox-" + batchId.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>
    /// Drains batches while the outbox holds at least <see cref="SyncOptions.LakeBatchMaxRows"/> rows or its oldest row is
    /// older than <see cref="SyncOptions.LakeBatchMaxAge"/>; with <paramref name="force"/>, drains everything. Returns the rows written.
    /// </summary>
    public async Task<int> DrainAsync(bool force, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var written = 0;
            while (true)
            {
                if (!force)
                {
                    var status = await outbox.GetStatusAsync(cancellationToken);
                    var due = status.Pending >= settings.LakeBatchMaxRows
                        || status.OldestEnqueuedAt is { } oldest && timeProvider.GetUtcNow() - oldest >= settings.LakeBatchMaxAge;
                    if (status.Pending == 0 || !due)
                    {
                        return written;
                    }
                }

                var batch = await outbox.ClaimBatchAsync(settings.LakeBatchMaxRows, cancellationToken);
                if (batch is null)
                {
                    return written;
                }

                if (batch.Rows.Count > 0)
                {
                    await lake.WriteBatchAsync(BatchName(batch.BatchId), batch.Rows, cancellationToken);
                }

                await outbox.MarkDrainedAsync(batch.BatchId, cancellationToken);
                metrics.RecordLakeRows(batch.Rows.Count);
                written += batch.Rows.Count;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
