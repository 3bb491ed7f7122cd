using Portal.Core.Jobs;

namespace Portal.Infrastructure.Hosting.Jobs;

/// <summary>
/// The <see cref="IProgress{T}"/> a job reports to: writes to the run store at most once per interval (the first report at
/// once), one write at a time and in order, and the latest value on <see cref="FlushAsync"/>. A failed write is logged, never thrown at the job.
/// </summary>
internal sealed class ThrottledJobProgress(Guid runId, IJobRunStore store, TimeProvider time, TimeSpan interval, ILogger logger) : IProgress<JobProgress>
{
    private readonly Lock _gate = new();
    private Task _writes = Task.CompletedTask;
    private JobProgress? _latest;
    private JobProgress? _written;
    private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;

    public void Report(JobProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _latest = value;
            var now = time.GetUtcNow();
            if (now - _lastWrite < interval)
            {
                return;
            }

            _lastWrite = now;
            _writes = _writes.ContinueWith(_ => WriteAsync(value), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Waits for pending writes, then writes the latest value if it was throttled away.</summary>
    public async Task FlushAsync()
    {
        Task pending;
        lock (_gate)
        {
            pending = _writes;
        }

        await pending;
        JobProgress? latest;
        lock (_gate)
        {
            latest = ReferenceEquals(_latest, _written) ? null : _latest;
        }

        if (latest is not null)
        {
            await WriteAsync(latest);
        }
    }

    private async Task WriteAsync(JobProgress value)
    {
        try
        {
            await store.UpdateProgressAsync(runId, value, CancellationToken.None);
            lock (_gate)
            {
                _written = value;
            }
        }
        catch (Exception ex)
        {
            JobRunnerLog.ProgressWriteFailed(logger, runId, ex);
        }
    }
}
