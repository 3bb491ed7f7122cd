
namespace Portal.Core.Validation;

/// <summary>What a repair would write (dry run) or wrote (apply) for one partition: the store's live sales missing from the lake.</summary>
public sealed record LakeRepairResult(SalesPartition Partition, bool DryRun, IReadOnlyList<string> MissingSaleIds, int WrittenCount);

/// <summary>An audited repair: who asked for it, when, whether it was a dry run, and the counts.</summary>
public sealed record LakeRepairAudit(
    Guid AuditId, Guid? RunId, SalesPartition Partition, string Actor, DateTimeOffset At, bool DryRun, int MissingCount, int WrittenCount);

/// <summary>
/// Re-writes lake rows missing for a partition from the store. A dry run lists the sale ids that would be written; apply
/// recomputes that list (never trusting an earlier dry run) and appends only those rows, so a repeated apply writes nothing.
/// Both are audited.
/// </summary>
public interface ILakeRepairer
{
    Task<LakeRepairResult> DryRunAsync(SalesPartition partition, string actor, Guid? runId, CancellationToken cancellationToken);

    Task<LakeRepairResult> ApplyAsync(SalesPartition partition, string actor, Guid? runId, CancellationToken cancellationToken);
}
