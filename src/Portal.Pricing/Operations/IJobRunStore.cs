namespace Portal.Pricing.Operations;

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

    public TimeSpan? Duration => FinishedAt is { } finished ? finished - StartedAt : null;
}

/// <summary>
/// The run history of the portal's jobs. <see cref="TryStartAsync"/> is the one-run-at-a-time guard: it records a new
/// Running run only when the job has none, atomically, so two hosts (or two clicks) cannot start the same job twice.
/// </summary>
public interface IJobRunStore
{
    /// <summary>Records <paramref name="run"/> as Running; returns the run already going instead (and records nothing) when there is one.</summary>
    Task<JobRun?> TryStartAsync(JobRun run, CancellationToken cancellationToken);

    Task UpdateProgressAsync(Guid runId, JobProgress progress, CancellationToken cancellationToken);

    /// <summary>Ends a Running run; a run that is no longer Running is left as it is.</summary>
    Task FinishAsync(Guid runId, JobRunStatus status, DateTimeOffset finishedAt, string? summary, string? detailUrl, string? error, CancellationToken cancellationToken);

    Task<JobRun?> GetAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>The job's latest runs, newest first.</summary>
    Task<IReadOnlyList<JobRun>> GetRecentAsync(string jobName, int limit, CancellationToken cancellationToken);

    /// <summary>Marks every run still Running as Interrupted (at start-up, before any job can run); returns how many.</summary>
    Task<int> MarkRunningAsInterruptedAsync(DateTimeOffset at, CancellationToken cancellationToken);
}
