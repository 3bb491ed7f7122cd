using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// Batches and their rows (SQLite embedded, DynamoDB in production). Every read by id is scoped to one tenant, so another
/// tenant's batch is simply not found. Writes that may race between hosts (the lease, a row's outcome, a row's decision)
/// are conditional, so a batch taken over after a stop never prices or decides a row twice.
/// </summary>
public interface IPricingBatchStore
{
    /// <summary>Stores a new batch with all its rows, pending and refused alike.</summary>
    Task CreateAsync(PricingBatch batch, IReadOnlyList<BatchRow> rows, CancellationToken cancellationToken);

    /// <summary>Null when the id is unknown <em>or belongs to another tenant</em>.</summary>
    Task<PricingBatch?> GetAsync(TenantId tenant, string batchId, CancellationToken cancellationToken);

    /// <summary>A tenant's batches, newest first.</summary>
    Task<IReadOnlyList<PricingBatch>> ListAsync(TenantId tenant, int limit, CancellationToken cancellationToken);

    /// <summary>The batch's rows in line order; empty for an unknown id or another tenant's.</summary>
    Task<IReadOnlyList<BatchRow>> GetRowsAsync(TenantId tenant, string batchId, CancellationToken cancellationToken);

    /// <summary>Every tenant's batches that are not completed, oldest first: what a host resumes.</summary>
    Task<IReadOnlyList<PricingBatch>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Claims the batch for <paramref name="owner"/> until <paramref name="until"/> and marks it running, when it is not
    /// completed and its claim is free, already the owner's, or ran out before <paramref name="now"/>. False otherwise.
    /// </summary>
    Task<bool> TryLeaseAsync(TenantId tenant, string batchId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives the claim back (the batch is queued again) when <paramref name="owner"/> holds it.</summary>
    Task ReleaseAsync(TenantId tenant, string batchId, string owner, CancellationToken cancellationToken);

    /// <summary>Stores a pending row's outcome; false when the row already has one.</summary>
    Task<bool> SaveOutcomeAsync(TenantId tenant, string batchId, BatchRowOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Marks the batch completed and clears its claim.</summary>
    Task CompleteAsync(TenantId tenant, string batchId, DateTimeOffset completedAt, CancellationToken cancellationToken);

    /// <summary>Records the row's decision id when it has none; false when it already has one.</summary>
    Task<bool> SetDecisionAsync(TenantId tenant, string batchId, int line, string decisionId, CancellationToken cancellationToken);
}
