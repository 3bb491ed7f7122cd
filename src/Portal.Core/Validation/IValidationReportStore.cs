using Portal.Core.Sales;

namespace Portal.Core.Validation;

/// <summary>
/// The persisted validation reports and the repair audit. A null tenant reads everything (Admin); a tenant reads only its own
/// partitions, findings, alerts and repairs (Ops), so the filter is applied by the store, not by the page.
/// </summary>
public interface IValidationReportStore
{
    /// <summary>Inserts or replaces a run (a run is saved when it starts and again when it ends).</summary>
    Task SaveAsync(ValidationRun run, CancellationToken cancellationToken);

    /// <summary>The latest runs, newest first.</summary>
    Task<IReadOnlyList<ValidationRunSummary>> ListAsync(TenantId? tenant, int limit, CancellationToken cancellationToken);

    Task<ValidationRun?> GetAsync(Guid runId, TenantId? tenant, CancellationToken cancellationToken);

    Task AddRepairAuditAsync(LakeRepairAudit audit, CancellationToken cancellationToken);

    /// <summary>Repairs, newest first; <paramref name="runId"/> narrows to the repairs started from one run's report.</summary>
    Task<IReadOnlyList<LakeRepairAudit>> ListRepairAuditAsync(TenantId? tenant, Guid? runId, int limit, CancellationToken cancellationToken);
}
