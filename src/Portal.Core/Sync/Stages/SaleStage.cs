using Microsoft.Extensions.Logging;
using Portal.Core.Sales;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// Writes the micro-batch's sales through <see cref="SalesWriter"/> (sales and outbox rows in one transaction, then the
/// index; the lake is left to the background lake writer). When the group write fails it writes one sale at a time, each
/// with its retries, so one bad sale never takes its neighbours down. A write is idempotent by sale id, so a retry or a
/// replayed event adds nothing twice.
/// </summary>
public sealed partial class SaleStage(SalesWriter writer, EventOutcomes outcomes, SyncRetry retry, SyncMonitor monitor, TimeProvider timeProvider, ILogger<SaleStage> logger)
{
    internal async Task WriteAsync(List<SyncWorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var sales = items.Select(SaleOf).ToList();
        try
        {
            // Group commit: one transaction for the micro-batch.
            await writer.WriteAsync(sales, LakeHandoff.Background, cancellationToken);
            foreach (var item in items)
            {
                Written(item);
            }

            return;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogGroupWriteFailed(logger, items.Count, ex);
        }

        await WriteOneByOneAsync(items, sales, cancellationToken);
    }

    /// <summary>One at a time, each with its own retries: the failing event is dead-lettered, the others go through.</summary>
    private async Task WriteOneByOneAsync(List<SyncWorkItem> items, List<SaleWithPhotos> sales, CancellationToken cancellationToken)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var sale = sales[i];
            try
            {
                await retry.RunAsync(() => writer.WriteAsync([sale], LakeHandoff.Background, cancellationToken), cancellationToken);
                Written(item);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await outcomes.FailAsync(item, ex, release: true, cancellationToken);
            }
        }
    }

    private static SaleWithPhotos SaleOf(SyncWorkItem item)
    {
        var sale = item.Event.ToSaleRecord();
        if (item.Image is { } image)
        {
            sale = sale with { ImageKey = image.ImageKey };
        }

        return new SaleWithPhotos(sale, item.Image?.Embedding);
    }

    private void Written(SyncWorkItem item)
    {
        monitor.RecordLag(item.Tenant, timeProvider.GetUtcNow() - item.Event.Time);
        outcomes.Accept(item);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group write of {Count} sales failed; writing them one at a time")]
    private static partial void LogGroupWriteFailed(ILogger logger, int count, Exception exception);
}
