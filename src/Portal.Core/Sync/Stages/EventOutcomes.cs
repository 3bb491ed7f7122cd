using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// How every stage settles an event: accepted, rejected (a dead letter with its category) or failed (a dead letter
/// <see cref="DeadLetterCategory.RetriesExhausted"/>, the idempotency key released so a redrive runs again); each counted
/// by the monitor. Settling marks the outcome to be stored; the claim stage stores the batch's outcomes after the effects.
/// </summary>
public sealed partial class EventOutcomes(
    DeadLetterWriter deadLetters,
    IIdempotencyStore idempotency,
    FailureClassifier failures,
    SyncMonitor monitor,
    IOptions<SyncOptions> options,
    ILogger<EventOutcomes> logger)
{
    private readonly SyncOptions _options = options.Value;

    internal void Accept(SyncWorkItem item)
    {
        item.Outcome = EventOutcome.Accepted(item.Index, item.Event.Id);
        item.CompletionPending = true;
        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Accepted);
    }

    internal async Task RejectAsync(SyncWorkItem item, DeadLetterCategory category, string path, string message, bool complete, CancellationToken cancellationToken)
    {
        message = UrlRedaction.RedactUrlsIn(message);
        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Rejected, [new(path, message)]);
        // An unknown tenant's letter stays with the caller's tenant (or none): the unknown id names no tenant to file it under.
        var letterTenant = category == DeadLetterCategory.UnknownTenant ? item.Origin.RestrictToTenant : item.Origin.RestrictToTenant ?? item.Tenant;
        await deadLetters.WriteAsync(letterTenant, item.Event.Id, item.Event.DetailType, category, $"{path}: {message}", item.Payload, item.Origin.Transport,
            item.Parked?.Attempts ?? 1, cancellationToken);
        if (complete)
        {
            item.CompletionPending = true;
        }

        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Rejected);
    }

    internal async Task FailAsync(SyncWorkItem item, Exception exception, bool release, CancellationToken cancellationToken, int? attemptsMade = null)
    {
        var retryable = failures.IsRetryable(exception);
        var attempts = attemptsMade ?? (retryable ? _options.MaxRetries + 1 : 1);
        // Messages may quote a photo URL: what reaches the publisher, the letters and the monitor is redacted.
        var message = UrlRedaction.RedactUrlsIn(exception.Message);
        var reason = retryable
            ? $"failed {attempts} time(s): {exception.GetType().Name}: {message}"
            : $"failed with a permanent error: {exception.GetType().Name}: {message}";
        LogEventFailed(logger, item.Event.Id, item.Tenant.Value, exception);
        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Failed, [new(EventError.Document, reason)]);
        await deadLetters.WriteAsync(item.Tenant, item.Event.Id, item.Event.DetailType, DeadLetterCategory.RetriesExhausted, reason, item.Payload, item.Origin.Transport, attempts, cancellationToken);
        if (release && item.Parked is null)
        {
            await ReleaseAsync(item, cancellationToken);
        }

        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Failed);
    }

    /// <summary>The handler failed: free the key so a redrive (or the transport's redelivery) runs again.</summary>
    private async Task ReleaseAsync(SyncWorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await idempotency.ReleaseAsync(item.Key, cancellationToken);
        }
        catch (Exception releaseFailure) when (!cancellationToken.IsCancellationRequested)
        {
            LogReleaseFailed(logger, item.Key.Value, releaseFailure);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} of tenant {TenantId} failed and was dead-lettered")]
    private static partial void LogEventFailed(ILogger logger, string eventId, string tenantId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing idempotency key {Key} failed; a retry waits for its lease")]
    private static partial void LogReleaseFailed(ILogger logger, string key, Exception exception);
}
