using System.Collections.Concurrent;
using System.Text;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Aws.Sqs;

/// <summary>
/// Feeds the sync pipeline from the SQS queue an EventBridge rule targets. Each message body is one EventBridge envelope.
/// A message is deleted once the pipeline returned outcomes for it (accepted, duplicate, rejected, parked or failed: the
/// pipeline has recorded each, dead letters included); it is left in the queue when the submission throws (back-pressure, a
/// dependency down), so SQS redelivers it after the visibility timeout and moves it to the queue's DLQ after the redrive
/// policy's maximum receives. While a message is worked on, its visibility is extended every third of the timeout.
/// </summary>
public sealed partial class SqsConsumer(
    IAmazonSQS sqs,
    IEventSubmitter submitter,
    IOptions<SqsConsumerOptions> options,
    SqsConsumerStatus status,
    TimeProvider time,
    ILogger<SqsConsumer> logger) : BackgroundService
{
    private static readonly EventSubmissionOrigin Origin = new(EventSubmissionOrigin.Sqs, null);
    private static readonly List<string> ReceiveAttributes = ["ApproximateReceiveCount"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var queueUrl = settings.QueueUrl!;
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var working = new ConcurrentDictionary<Guid, Task>();
        LogStarted(logger, queueUrl, settings.Concurrency, settings.WaitTime.TotalSeconds);

        // Let the host finish starting before the first long poll.
        await Task.Yield();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < settings.MaxMessages && slots.Wait(0))
                {
                    free++;
                }

                var messages = await ReceiveAsync(queueUrl, free, settings, stoppingToken);
                if (messages.Count < free)
                {
                    slots.Release(free - messages.Count);
                }

                if (messages.Count == 0)
                {
                    continue;
                }

                status.AddReceived(messages.Count);
                foreach (var message in messages)
                {
                    var id = Guid.NewGuid();
                    working[id] = ProcessAndReleaseAsync(message, queueUrl, settings, slots, working, id, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(working.Values);
            LogStopped(logger, status.Received, status.Deleted, status.LeftForRedelivery);
        }
    }

    private async Task<IReadOnlyList<Message>> ReceiveAsync(string queueUrl, int maxMessages, SqsConsumerOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = maxMessages,
                WaitTimeSeconds = (int)settings.WaitTime.TotalSeconds,
                VisibilityTimeout = settings.VisibilityTimeoutSeconds,
                MessageSystemAttributeNames = ReceiveAttributes,
            }, stoppingToken);
            return response.Messages ?? [];
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return [];
        }
        catch (Exception ex)
        {
            status.AddReceiveError();
            LogReceiveFailed(logger, ex, settings.ReceiveErrorDelay.TotalSeconds);
            await Task.Delay(settings.ReceiveErrorDelay, time, stoppingToken);
            return [];
        }
    }

    private async Task ProcessAndReleaseAsync(
        Message message, string queueUrl, SqsConsumerOptions settings, SemaphoreSlim slots, ConcurrentDictionary<Guid, Task> working, Guid id, CancellationToken stoppingToken)
    {
        // Run the submission off the receive loop.
        await Task.Yield();
        try
        {
            await ProcessAsync(message, queueUrl, settings, stoppingToken);
        }
        finally
        {
            slots.Release();
            working.TryRemove(id, out _);
        }
    }

    private async Task ProcessAsync(Message message, string queueUrl, SqsConsumerOptions settings, CancellationToken stoppingToken)
    {
        var receiveCount = message.Attributes?.GetValueOrDefault("ApproximateReceiveCount") ?? "?";
        using (var workDone = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            var keepInvisible = KeepInvisibleAsync(queueUrl, message, settings, workDone.Token);
            try
            {
                var result = await submitter.SubmitAsync(Encoding.UTF8.GetBytes(message.Body ?? string.Empty), Origin, stoppingToken);
                LogSubmitted(logger, message.MessageId, result.Outcomes.Count, result.IsBatchRejected);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                status.AddLeftForRedelivery();
                return;
            }
            catch (Exception ex)
            {
                // Retryable: the message reappears after its visibility timeout; the queue's redrive policy ends the retries.
                status.AddLeftForRedelivery();
                LogLeftForRedelivery(logger, ex, message.MessageId, receiveCount);
                return;
            }
            finally
            {
                await workDone.CancelAsync();
                await keepInvisible;
            }
        }

        try
        {
            // Not cancelled by shutdown: the outcome is recorded, so the message must go (a redelivery would only be a duplicate).
            await sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queueUrl, ReceiptHandle = message.ReceiptHandle }, CancellationToken.None);
            status.AddDeleted();
        }
        catch (Exception ex)
        {
            // Redelivered later; the pipeline's idempotency answers it as a duplicate.
            LogDeleteFailed(logger, ex, message.MessageId);
        }
    }

    private async Task KeepInvisibleAsync(string queueUrl, Message message, SqsConsumerOptions settings, CancellationToken workDone)
    {
        // Due times are absolute, so a late wake-up (a busy machine, a clock moved) extends at once instead of drifting.
        var due = time.GetUtcNow() + settings.VisibilityExtensionInterval;
        while (!workDone.IsCancellationRequested)
        {
            try
            {
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, workDone);
                }

                due += settings.VisibilityExtensionInterval;
                await sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest
                {
                    QueueUrl = queueUrl,
                    ReceiptHandle = message.ReceiptHandle,
                    VisibilityTimeout = settings.VisibilityTimeoutSeconds,
                }, workDone);
                status.AddVisibilityExtension();
            }
            catch (OperationCanceledException) when (workDone.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogExtendFailed(logger, ex, message.MessageId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS consumer polling {QueueUrl} ({Concurrency} at once, {WaitSeconds} s long polls)")]
    private static partial void LogStarted(ILogger logger, string queueUrl, int concurrency, double waitSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS consumer stopped: {Received} received, {Deleted} deleted, {Left} left for redelivery")]
    private static partial void LogStopped(ILogger logger, long received, long deleted, long left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS receive failed; polling again in {DelaySeconds} s")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS message {MessageId} submitted: {Outcomes} outcomes, batch rejected {BatchRejected}")]
    private static partial void LogSubmitted(ILogger logger, string messageId, int outcomes, bool batchRejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS message {MessageId} (receive {ReceiveCount}) left for redelivery: the submission failed")]
    private static partial void LogLeftForRedelivery(ILogger logger, Exception exception, string messageId, string receiveCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting SQS message {MessageId} failed; its redelivery will be answered as a duplicate")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extending the visibility of SQS message {MessageId} failed")]
    private static partial void LogExtendFailed(ILogger logger, Exception exception, string messageId);
}
