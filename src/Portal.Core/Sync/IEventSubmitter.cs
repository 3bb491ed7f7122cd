using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>
/// The one entry to the sync pipeline, whatever the transport (HTTP endpoint, SQS consumer, dead-letter redrive):
/// parse, validate, idempotency, state machine, sale + outbox, index.
/// </summary>
public interface IEventSubmitter
{
    /// <summary>Submits one envelope or a JSON array of up to 100; every event gets an outcome, a bad one never takes its neighbours down.</summary>
    /// <exception cref="EventBackPressureException">The pipeline is full; nothing was taken, retry after the hint.</exception>
    Task<EventSubmissionResult> SubmitAsync(ReadOnlyMemory<byte> body, EventSubmissionOrigin origin, CancellationToken cancellationToken);
}

/// <summary>Who submitted: the transport, and for a signed-in user the tenant they may publish for (null for the EventPublisher app role, which may publish for any known tenant).</summary>
public sealed record EventSubmissionOrigin(string Transport, TenantId? RestrictToTenant, string? Actor = null)
{
    public const string Http = "http";
    public const string Sqs = "sqs";
    public const string Redrive = "redrive";
}

/// <summary>Per-event outcomes, or a batch error (bad JSON, more than 100 events) that rejected the submission as a whole.</summary>
public sealed record EventSubmissionResult(IReadOnlyList<EventOutcome> Outcomes, IReadOnlyList<EventError> BatchErrors)
{
    public bool IsBatchRejected => BatchErrors.Count > 0;
}

/// <summary>The bounded pipeline is full: the caller should retry after <see cref="RetryAfter"/> (HTTP 429 with Retry-After).</summary>
public sealed class EventBackPressureException(TimeSpan retryAfter)
    : Exception($"The sync pipeline is at capacity; retry after {retryAfter.TotalSeconds:0} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
