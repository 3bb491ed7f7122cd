namespace Portal.Core.Jobs;

/// <summary>
/// A scheduled background job (SmartGo import, nightly validation): run by the scheduler on its cron or by ops with "run now",
/// one run at a time per job, each run recorded with its progress and result for the Jobs page.
/// </summary>
public interface IPortalJob
{
    /// <summary>Stable id used in configuration, URLs and the run history (<c>smartgo-import</c>, <c>validation</c>).</summary>
    string Name { get; }

    string DisplayName { get; }

    Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken);
}

/// <summary>One run: its id, what started it, and where to report progress.</summary>
public sealed record JobContext(Guid RunId, string Trigger, IProgress<JobProgress> Progress)
{
    public const string ScheduleTrigger = "schedule";

    public static string ManualTrigger(string actor) => $"manual:{actor}";
}

/// <summary>Progress of a running job; <see cref="Total"/> is null while unknown.</summary>
public sealed record JobProgress(long Done, long? Total, string? Message);

/// <summary>How a run ended. <see cref="DetailUrl"/> points at a page with the run's report (the validation report), when there is one.</summary>
public sealed record JobResult(bool Succeeded, string Summary, string? DetailUrl = null);
