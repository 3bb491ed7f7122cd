namespace Portal.Infrastructure.Hosting.Jobs;

public enum JobTriggerOutcome
{
    Started,
    AlreadyRunning,
    UnknownJob,
}

/// <summary>What "run now" did: the new run's id, or the run already going, or that no such job exists.</summary>
public sealed record JobTriggerResult(JobTriggerOutcome Outcome, Guid? RunId, string Message);

/// <summary>A registered job as the Jobs page lists it; <see cref="NextFireAt"/> is null when this host does not schedule it.</summary>
public sealed record JobDescription(string Name, string DisplayName, string? Cron, DateTimeOffset? NextFireAt);
