using Portal.Core.Jobs;
using Quartz;

namespace Portal.Infrastructure.Hosting.Jobs;

/// <summary>The one Quartz job type: its key's name is the portal job's name, and it runs through the <see cref="JobRunner"/>.</summary>
internal sealed class ScheduledPortalJob(JobRunner runner, ILogger<ScheduledPortalJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.JobDetail.Key.Name;
        var (result, _) = await runner.RunAsync(name, JobContext.ScheduleTrigger, cancellationToken);
        if (result.Outcome == JobTriggerOutcome.UnknownJob)
        {
            JobRunnerLog.UnknownScheduledJob(logger, name);
        }
    }
}
