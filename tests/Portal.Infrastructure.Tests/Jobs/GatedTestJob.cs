using Portal.Core.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

/// <summary>A real job for runner tests: reports progress, then waits until the test releases it (or its token is cancelled).</summary>
internal sealed class GatedTestJob(string name = "gated") : IPortalJob
{
    private readonly TaskCompletionSource<JobResult> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => name;

    public string DisplayName => "Gated test job";

    public int Runs { get; private set; }

    public IReadOnlyList<JobProgress> ProgressToReport { get; init; } = [new JobProgress(1, 10, "one"), new JobProgress(2, 10, "two")];

    public Task Started => _started.Task;

    public void Succeed(string summary, string? detailUrl = null) => _release.TrySetResult(new JobResult(true, summary, detailUrl));

    public void Fail(Exception exception) => _release.TrySetException(exception);

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        Runs++;
        foreach (var progress in ProgressToReport)
        {
            context.Progress.Report(progress);
        }

        _started.TrySetResult();
        return await _release.Task.WaitAsync(cancellationToken);
    }
}
