namespace Portal.Core.Jobs;

public enum JobRunStatus
{
    Running,
    Succeeded,
    Failed,
    /// <summary>The host stopped (crash, shutdown) while the run was going; found and marked at the next start.</summary>
    Interrupted,
}

/// <summary>One recorded run of a <see cref="IPortalJob"/>, as the Jobs page shows it.</summary>
public sealed record JobRun
{
    public required Guid RunId { get; init; }
    public required string JobName { get; init; }
    /// <summary><see cref="JobContext.ScheduleTrigger"/> or <c>manual:{actor}</c>.</summary>
    public required string Trigger { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public JobRunStatus Status { get; init; } = JobRunStatus.Running;
    public JobProgress? Progress { get; init; }
    public string? Summary { get; init; }
    public string? DetailUrl { get; init; }
    public string? Error { get; init; }
    /// <summary>The host running it (<c>Jobs:InstanceName</c>, the machine name by default).</summary>
    public string Owner { get; init; } = "";
    /// <summary>Last sign of life from the owner; a Running run without one for long is taken to be dead.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    public TimeSpan? Duration => FinishedAt is { } finished ? finished - StartedAt : null;
}

/// <summary>
/// The run history of the portal's jobs. <see cref="TryStartAsync"/> is the one-run-at-a-time guard: it records a new
/// Running run only when the job has none, atomically, so two hosts (or two clicks) cannot start the same job twice.
/// A Running run whose heartbeat is older than the caller's staleness limit belongs to a dead host: it is marked
/// Interrupted and no longer blocks the job.
/// </summary>
public interface IJobRunStore
{
    /// <summary>
    /// Records <paramref name="run"/> as Running (heartbeat = its start); returns the live run already going instead (and records
    /// nothing) when there is one. A Running run of the job silent for longer than <paramref name="staleAfter"/> is marked Interrupted first.
    /// </summary>
    Task<JobRun?> TryStartAsync(JobRun run, TimeSpan staleAfter, CancellationToken cancellationToken);

    /// <summary>The owner's sign of life for a Running run.</summary>
    Task HeartbeatAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken);

    Task UpdateProgressAsync(Guid runId, JobProgress progress, CancellationToken cancellationToken);

    /// <summary>Ends a Running run; a run that is no longer Running is left as it is.</summary>
    Task FinishAsync(Guid runId, JobRunStatus status, DateTimeOffset finishedAt, string? summary, string? detailUrl, string? error, CancellationToken cancellationToken);

    Task<JobRun?> GetAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>The job's latest runs, newest first.</summary>
    Task<IReadOnlyList<JobRun>> GetRecentAsync(string jobName, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// At start-up: marks Interrupted the Running runs this host (<paramref name="owner"/>) left behind when it stopped, and
    /// those of any host silent since before <paramref name="staleBefore"/>; returns how many.
    /// </summary>
    Task<int> MarkAbandonedAsInterruptedAsync(string owner, DateTimeOffset staleBefore, DateTimeOffset at, CancellationToken cancellationToken);
}
