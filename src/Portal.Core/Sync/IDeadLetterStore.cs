using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>Why an event was dead-lettered.</summary>
public enum DeadLetterCategory
{
    /// <summary>Invalid JSON, missing or mistyped fields, rule violations.</summary>
    Schema,
    UnknownTenant,
    /// <summary>The caller may not publish for the event's tenant.</summary>
    TenantNotPermitted,
    /// <summary>Same idempotency key, different payload.</summary>
    PayloadMismatch,
    /// <summary>An illegal state transition that outlived the maximum event age (for example sold before listed, never listed).</summary>
    IllegalTransition,
    /// <summary>The product image could not be fetched or is not an acceptable image.</summary>
    ImageUnavailable,
    /// <summary>A retryable failure (store, lake, embedding, timeout) that outlasted its retries.</summary>
    RetriesExhausted,
}

public enum DeadLetterStatus
{
    Pending,
    Redriven,
    Discarded,
}

/// <summary>
/// A dead letter to record: the raw payload is kept byte for byte so a redrive sends exactly what arrived. A letter without a
/// reason, payload or transport, or with fewer than one attempt, cannot be made, so every store may take it as valid.
/// </summary>
public sealed record NewDeadLetter
{
    /// <summary>The tenant the letter belongs to (the event's, when known; else the submitting identity's); null when neither is known (Admin sees those).</summary>
    public TenantId? Tenant { get; init; }
    public string? EventId { get; init; }
    public string? DetailType { get; init; }
    public required DeadLetterCategory Category { get; init; }
    public required string Reason { get; init { ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Reason)); field = value; } }
    /// <summary>The event's JSON as received (for a whole-batch error, the first 64 KiB of the body).</summary>
    public required string Payload { get; init { ArgumentNullException.ThrowIfNull(value, nameof(Payload)); field = value; } }
    public required string Transport { get; init { ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Transport)); field = value; } }
    public int Attempts { get; init { ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Attempts)); field = value; } } = 1;
    public required DateTimeOffset FailedAt { get; init; }
}

public sealed record DeadLetter
{
    public required long Id { get; init; }
    public TenantId? Tenant { get; init; }
    public string? EventId { get; init; }
    public string? DetailType { get; init; }
    public required DeadLetterCategory Category { get; init; }
    public required string Reason { get; init; }
    public required string Payload { get; init; }
    public required string Transport { get; init; }
    public required int Attempts { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
    public required DeadLetterStatus Status { get; init; }
    /// <summary>Who redrove or discarded it, when, and (for a discard) why: the audit trail.</summary>
    public string? ResolvedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolutionNote { get; init; }
}

/// <summary>A page of dead letters. <see cref="Tenant"/> null means every tenant (Admin only; the caller enforces that).</summary>
public sealed record DeadLetterQuery
{
    public TenantId? Tenant { get; init; }
    public bool AllTenants { get; init; }
    public DeadLetterStatus? Status { get; init; } = DeadLetterStatus.Pending;
    public DeadLetterCategory? Category { get; init; }
    public int Limit { get; init; } = 100;
    public int Offset { get; init; }
}

/// <summary>Dead letters of the sync pipeline (SQLite table embedded, DynamoDB items in production). Newest first.</summary>
public interface IDeadLetterStore
{
    Task<long> AddAsync(NewDeadLetter letter, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    Task<long> CountAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    /// <summary>One letter, or null when unknown or outside the query's tenant scope.</summary>
    Task<DeadLetter?> GetAsync(long id, DeadLetterQuery scope, CancellationToken cancellationToken);

    /// <summary>Marks a pending letter redriven (audited); false when it is not pending or not in scope.</summary>
    Task<bool> MarkRedrivenAsync(long id, DeadLetterQuery scope, string actor, string? note, CancellationToken cancellationToken);

    /// <summary>Discards a pending letter with a reason (audited); false when it is not pending or not in scope.</summary>
    Task<bool> DiscardAsync(long id, DeadLetterQuery scope, string actor, string reason, CancellationToken cancellationToken);
}
