using Microsoft.Extensions.Options;
using Portal.Core.Jobs;

namespace Portal.Infrastructure.Hosting.Jobs;

/// <summary>
/// At start, before the scheduler: runs this host left Running when it crashed, and runs of any host silent for too long,
/// are marked Interrupted. At stop: runs in flight are cancelled and recorded as Interrupted.
/// </summary>
internal sealed class JobsHostedService(IJobRunStore runs, JobRunner runner, TimeProvider time, IOptions<JobsOptions> options, ILogger<JobsHostedService> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var count = await runs.MarkAbandonedAsInterruptedAsync(runner.Owner, now - options.Value.StaleAfter, now, cancellationToken);
        if (count > 0)
        {
            JobRunnerLog.MarkedInterrupted(logger, count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => runner.StopAsync(cancellationToken);
}
