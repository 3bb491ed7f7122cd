using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>
/// Idempotency records for marketplace events (the Powertools for AWS Lambda pattern): a record per key with a status, an
/// expiry, an in-progress lease, the payload's SHA-256 and the stored outcome. Implementations must pass
/// the contract test suite (<c>IdempotencyStoreContract</c>).
/// </summary>
/// <remarks>
/// Flow: <see cref="TryBeginAsync"/>; on <see cref="IdempotencyClaimKind.Started"/> run the handler, then
/// <see cref="CompleteAsync"/> with its outcome, or <see cref="ReleaseAsync"/> when it failed so a retry runs again.
/// An expired record (past its expiry) is treated as absent.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> with one conditional write: it succeeds when the key is absent, expired, or
    /// in progress with an expired lease for the same payload; otherwise the existing record decides the answer.
    /// </summary>
    /// <param name="payloadSha256">Lowercase hex SHA-256 of the canonical payload (<see cref="PayloadHash.Sha256OfCanonicalJson"/>).</param>
    /// <param name="lease">How long the claim stays exclusive while the handler runs (positive).</param>
    Task<IdempotencyClaim> TryBeginAsync(IdempotencyKey key, string payloadSha256, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the live record COMPLETED with <paramref name="outcomeJson"/> and expiry = now + <see cref="IdempotencyOptions.Expiry"/>.
    /// Throws <see cref="InvalidOperationException"/> when there is no live record (it was released or has expired).
    /// </summary>
    Task CompleteAsync(IdempotencyKey key, string outcomeJson, CancellationToken cancellationToken);

    /// <summary>Deletes the IN_PROGRESS record after a handler failure so a retry runs; a COMPLETED record is kept.</summary>
    Task ReleaseAsync(IdempotencyKey key, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryBeginAsync"/> for many keys, in order (a key repeated later in the list sees the earlier claim). A store
    /// may do it in one transaction (a micro-batch's group commit); by default it claims one key at a time.
    /// </summary>
    async Task<IReadOnlyList<IdempotencyClaim>> TryBeginManyAsync(IReadOnlyList<(IdempotencyKey Key, string PayloadSha256)> claims, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var results = new IdempotencyClaim[claims.Count];
        for (var i = 0; i < claims.Count; i++)
        {
            results[i] = await TryBeginAsync(claims[i].Key, claims[i].PayloadSha256, lease, cancellationToken);
        }

        return results;
    }

    /// <summary>
    /// <see cref="CompleteAsync"/> for many keys; instead of throwing for a record that is no longer live it returns false
    /// at that position. By default one key at a time.
    /// </summary>
    async Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<(IdempotencyKey Key, string OutcomeJson)> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var results = new bool[completions.Count];
        for (var i = 0; i < completions.Count; i++)
        {
            try
            {
                await CompleteAsync(completions[i].Key, completions[i].OutcomeJson, cancellationToken);
                results[i] = true;
            }
            catch (InvalidOperationException)
            {
                results[i] = false;
            }
        }

        return results;
    }
}

/// <summary>An idempotency key: <c>IDEM#{tenant}#{eventType}#{eventId}</c>.</summary>
/// <remarks>The event type may not contain '#', so the key parses back unambiguously (tenant ids never do).</remarks>
public sealed record IdempotencyKey(TenantId Tenant, string EventType, string EventId)
{
    public TenantId Tenant { get; } = Tenant.Value is null ? throw new ArgumentException("The tenant is missing (default TenantId).", nameof(Tenant)) : Tenant;

    public string EventType { get; } = string.IsNullOrWhiteSpace(EventType) || EventType.Contains('#', StringComparison.Ordinal)
        ? throw new ArgumentException("The event type must be non-blank and must not contain '#'.", nameof(EventType))
        : EventType;

    public string EventId { get; } = string.IsNullOrWhiteSpace(EventId)
        ? throw new ArgumentException("The event id must be non-blank.", nameof(EventId))
        : EventId;

    public string Value => $"IDEM#{Tenant.Value}#{EventType}#{EventId}";

    public override string ToString() => Value;
}

/// <summary>What <see cref="IIdempotencyStore.TryBeginAsync"/> found.</summary>
public enum IdempotencyClaimKind
{
    /// <summary>The caller owns the claim: run the handler, then complete or release.</summary>
    Started,

    /// <summary>A duplicate of a completed event: return <see cref="IdempotencyClaim.StoredOutcome"/>.</summary>
    Completed,

    /// <summary>Someone holds a live lease on the key: retry later.</summary>
    InProgress,

    /// <summary>The key is known with a different payload hash: an error, not a duplicate.</summary>
    PayloadMismatch,
}

/// <summary>The answer of <see cref="IIdempotencyStore.TryBeginAsync"/>; <see cref="StoredOutcome"/> is set for <see cref="IdempotencyClaimKind.Completed"/> only.</summary>
public sealed record IdempotencyClaim
{
    private IdempotencyClaim(IdempotencyClaimKind kind, string? storedOutcome)
    {
        Kind = kind;
        StoredOutcome = storedOutcome;
    }

    public IdempotencyClaimKind Kind { get; }

    public string? StoredOutcome { get; }

    public static IdempotencyClaim Started { get; } = new(IdempotencyClaimKind.Started, null);

    public static IdempotencyClaim InProgress { get; } = new(IdempotencyClaimKind.InProgress, null);

    public static IdempotencyClaim PayloadMismatch { get; } = new(IdempotencyClaimKind.PayloadMismatch, null);

    public static IdempotencyClaim Completed(string storedOutcome)
    {
        ArgumentNullException.ThrowIfNull(storedOutcome);
        return new IdempotencyClaim(IdempotencyClaimKind.Completed, storedOutcome);
    }
}

/// <summary>Idempotency settings.</summary>
public sealed record IdempotencyOptions
{
    /// <summary>How long a record lives (the DynamoDB TTL): duplicates within it get the stored outcome.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The default in-progress lease: after it a crashed handler's claim can be taken over.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);
}
