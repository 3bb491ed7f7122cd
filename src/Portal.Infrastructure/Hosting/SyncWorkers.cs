using Microsoft.Extensions.Options;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Hosting;

/// <summary>Reads the channel in micro-batches (up to <see cref="SyncOptions.MicroBatchMaxSubmissions"/> submissions, 8 MB) and runs the pipeline on each.</summary>
public sealed partial class EventConsumerService(SyncChannel channel, EventPipeline pipeline, IOptions<SyncOptions> options, ILogger<EventConsumerService> logger) : BackgroundService
{
    private const int MaxMicroBatchBytes = 8 * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<QueuedSubmission>();
        try
        {
            while (await channel.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var bytes = 0;
                while (batch.Count < options.Value.MicroBatchMaxSubmissions && bytes < MaxMicroBatchBytes && channel.Reader.TryRead(out var queued))
                {
                    batch.Add(queued);
                    bytes += queued.Request.Body.Length;
                }

                try
                {
                    var results = await pipeline.ProcessAsync([.. batch.Select(b => b.Request)], stoppingToken);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Completion.TrySetResult(results[i]);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogBatchFailed(logger, batch.Count, ex);
                    foreach (var queued in batch)
                    {
                        queued.Completion.TrySetException(ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var queued in batch)
            {
                queued.Completion.TrySetCanceled(stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A micro-batch of {Count} submissions failed")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}

/// <summary>Drains the outbox into the lake when a batch is full or old enough; drains the rest on shutdown.</summary>
public sealed partial class LakeWriterService(LakeWriter writer, IOptions<SyncOptions> options, TimeProvider timeProvider, ILogger<LakeWriterService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Anything left by a previous run (a claimed batch included) goes out first.
            await writer.DrainAsync(force: true, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.LakePollInterval, timeProvider, stoppingToken);
                try
                {
                    await writer.DrainAsync(force: false, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogDrainFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await writer.DrainAsync(force: true, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host gave up waiting: nothing is lost, the outbox keeps the rows and the next start drains them first.
            LogShutdownDrainCut(logger);
        }
        catch (Exception ex)
        {
            LogDrainFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown cut the final outbox drain short; the rows stay in the outbox for the next start")]
    private static partial void LogShutdownDrainCut(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining the sales outbox into the lake failed; retrying on the next poll")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}

/// <summary>Retries parked events every <see cref="SyncOptions.ParkedRetryInterval"/> and dead-letters the expired ones.</summary>
public sealed partial class ParkedEventRetryService(EventPipeline pipeline, IOptions<SyncOptions> options, TimeProvider timeProvider, ILogger<ParkedEventRetryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await pipeline.RetryAllParkedAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRetryFailed(logger, ex);
                }

                await Task.Delay(options.Value.ParkedRetryInterval, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying parked events failed")]
    private static partial void LogRetryFailed(ILogger logger, Exception exception);
}
