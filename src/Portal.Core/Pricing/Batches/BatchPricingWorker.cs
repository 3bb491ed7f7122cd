using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// The background job of batch pricing. Once the sales index is loaded, and whenever woken (a batch stored here) or every
/// <see cref="BatchOptions.PollInterval"/>, it reads every unfinished batch from the store and prices each it can lease,
/// oldest first, one batch at a time: so a batch left by a stopped host, or uploaded to another one, is resumed here.
/// </summary>
public sealed partial class BatchPricingWorker(
    IPricingBatchStore store,
    BatchRunner runner,
    BatchQueue queue,
    IndexLoadProgress indexLoad,
    IOptions<BatchOptions> options,
    TimeProvider time,
    ILogger<BatchPricingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PriceOnThisHost)
        {
            return;
        }

        // A batch is priced against the whole index, never a half-loaded one (the workbench says when it is warming; a grid would not).
        while (!indexLoad.IsComplete)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunUnfinishedAsync(stoppingToken);
                await queue.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store that is down for a moment must not end batch pricing on this host; the next pass retries.
                LogPassFailed(logger, ex);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One pass: every unfinished batch whose lease is free, expired or this host's.</summary>
    public async Task RunUnfinishedAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in await store.ListUnfinishedAsync(cancellationToken))
        {
            var leasedElsewhere = batch.LeaseOwner is { } owner && owner != runner.Owner && batch.LeaseUntil > time.GetUtcNow();
            if (leasedElsewhere)
            {
                continue;
            }

            try
            {
                await runner.RunAsync(batch.Tenant, batch.BatchId, cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The lease went to another host mid-run; that host finishes the batch.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch pricing pass failed; retrying after the poll interval.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
