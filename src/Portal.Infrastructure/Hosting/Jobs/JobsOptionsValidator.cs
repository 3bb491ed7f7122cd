using Microsoft.Extensions.Options;
using Quartz;

namespace Portal.Infrastructure.Hosting.Jobs;

/// <summary>Every cron must parse (Quartz syntax, 6 or 7 fields); the progress interval must be positive.</summary>
internal sealed class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var failures = new List<string>();
        foreach (var (job, cron) in options.Schedules)
        {
            if (!string.IsNullOrWhiteSpace(cron) && !CronExpression.TryParse(cron, out _))
            {
                failures.Add($"Jobs:Schedules:{job} '{cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 2 * * ?').");
            }
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add("Jobs:HeartbeatInterval must be positive.");
        }

        if (options.ProgressInterval <= TimeSpan.Zero)
        {
            failures.Add("Jobs:ProgressInterval must be positive.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
