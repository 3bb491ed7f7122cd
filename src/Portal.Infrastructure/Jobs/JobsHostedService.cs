using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Pricing.Operations;

namespace Portal.Infrastructure.Jobs;

/// <summary>
/// At start, before the scheduler: runs a crashed host left Running are marked Interrupted. At stop: runs in flight are
/// cancelled and recorded as Interrupted.
/// </summary>
internal sealed class JobsHostedService(IJobRunStore runs, JobRunner runner, TimeProvider time, ILogger<JobsHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = await runs.MarkRunningAsInterruptedAsync(time.GetUtcNow(), cancellationToken);
        if (count > 0)
        {
            JobRunnerLog.MarkedInterrupted(logger, count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => runner.StopAsync(cancellationToken);
}
