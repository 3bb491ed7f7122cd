using Microsoft.Extensions.Logging;
using Portal.Core.Sales;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// Writes the pipeline's dead letters (reason redacted of photo URLs, clipped to the store's limits) and tells the monitor.
/// A letter that cannot be written after its retries is logged, never thrown: the event's outcome stands either way.
/// </summary>
public sealed partial class DeadLetterWriter(IDeadLetterStore deadLetters, SyncRetry retry, SyncMonitor monitor, TimeProvider timeProvider, ILogger<DeadLetterWriter> logger)
{
    private const int MaxReasonChars = 4000;
    private const int MaxDetailTypeChars = 64;

    internal async Task WriteAsync(TenantId? tenant, string? eventId, string? detailType, DeadLetterCategory category, string reason, string payload,
        string transport, int attempts, CancellationToken cancellationToken)
    {
        reason = UrlRedaction.RedactUrlsIn(reason);
        monitor.RecordError(tenant, eventId, category.ToString(), reason);
        try
        {
            await retry.RunAsync(() => deadLetters.AddAsync(new NewDeadLetter
            {
                Tenant = tenant,
                EventId = eventId is { Length: <= ProductEventLimits.MaxIdLength } ? eventId : null,
                DetailType = detailType is { Length: <= MaxDetailTypeChars } ? detailType : null,
                Category = category,
                Reason = reason.Length <= MaxReasonChars ? reason : reason[..MaxReasonChars],
                Payload = payload,
                Transport = transport,
                Attempts = attempts,
                FailedAt = timeProvider.GetUtcNow(),
            }, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogDeadLetterFailed(logger, eventId, category.ToString(), ex);
        }
    }

    internal static string Join(IReadOnlyList<EventError> errors) => string.Join("; ", errors.Select(e => e.ToString()));

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering event {EventId} ({Category}) failed")]
    private static partial void LogDeadLetterFailed(ILogger logger, string? eventId, string category, Exception exception);
}
