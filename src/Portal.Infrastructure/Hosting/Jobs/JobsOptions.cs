namespace Portal.Infrastructure.Hosting.Jobs;

/// <summary>
/// Section <c>Jobs</c>: whether this host schedules the portal's jobs, and each job's cron (Quartz syntax, with seconds, UTC).
/// Turn <see cref="Enabled"/> off in every host but one, so the portal and a separate worker do not both schedule.
/// </summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    public bool Enabled { get; set; } = true;

    /// <summary>Job name → cron in UTC. A job with no (or an empty) entry runs only with "run now".</summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal)
    {
        ["smartgo-import"] = "0 0 2 * * ?",
        ["validation"] = "0 0 3 * * ?",
        ["housekeeping"] = "0 0 4 * * ?",
        ["range-calibration"] = "0 0 5 * * ?",
    };

    /// <summary>Names this host in the run history; a restarted host marks its own unfinished runs Interrupted. Default: the machine name.</summary>
    public string? InstanceName { get; set; }

    /// <summary>How often a running job's host records that it is alive; a run silent for 4 intervals is taken to be dead.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan StaleAfter => HeartbeatInterval * 4;

    /// <summary>A running job's progress is written to the run store at most this often.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
