namespace Portal.Core.Sync;

/// <summary>What happened to one event of a submission.</summary>
public enum EventOutcomeStatus
{
    /// <summary>Applied (or queued to be applied): the sale or product state is recorded.</summary>
    Accepted,

    /// <summary>A redelivery of an event already handled: the stored outcome is returned, nothing is written twice.</summary>
    Duplicate,

    /// <summary>Permanently refused (schema, unknown tenant, payload mismatch…): dead-lettered with its reasons, nothing written.</summary>
    Rejected,

    /// <summary>Arrived before its predecessor (sold before listed): kept and retried until the maximum event age.</summary>
    Parked,

    /// <summary>A retryable failure outlasted its retries: dead-lettered, to be redriven.</summary>
    Failed,
}

/// <summary>The outcome of one event: its position in the submission, its id when it could be read, and why when not accepted.</summary>
public sealed record EventOutcome(int Index, string? EventId, EventOutcomeStatus Status, IReadOnlyList<EventError> Reasons)
{
    public static EventOutcome Accepted(int index, string eventId) => new(index, eventId, EventOutcomeStatus.Accepted, []);
}
