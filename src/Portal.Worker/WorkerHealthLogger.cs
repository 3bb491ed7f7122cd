using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Embedded;

namespace Portal.Worker;

/// <summary>The worker's health, in the log: what it runs at start, then its consumer's totals at a fixed interval.</summary>
public sealed partial class WorkerHealthLogger(
    IOptions<PortalOptions> portal,
    IOptions<EmbeddedStorageOptions> storage,
    IOptions<SqsConsumerOptions> sqs,
    IOptions<WorkerOptions> worker,
    SqsConsumerStatus status,
    TimeProvider time,
    ILogger<WorkerHealthLogger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, portal.Value.Provider, storage.Value.ResolveDataDirectory(), sqs.Value.IsEnabled ? sqs.Value.QueueUrl! : "none (Sync:Sqs:QueueUrl is not set)");
        using var timer = new PeriodicTimer(worker.Value.HealthLogInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                LogStatus(logger, status.Received, status.Deleted, status.LeftForRedelivery, status.InFlight, status.VisibilityExtensions, status.ReceiveErrors);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker started: provider {Provider}, data in {DataDirectory}, SQS queue {Queue}")]
    private static partial void LogStarted(ILogger logger, string provider, string dataDirectory, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker healthy: SQS {Received} received, {Deleted} deleted, {Left} left for redelivery, {InFlight} in flight, {Extensions} visibility extensions, {ReceiveErrors} receive errors")]
    private static partial void LogStatus(ILogger logger, long received, long deleted, long left, int inFlight, long extensions, long receiveErrors);
}
