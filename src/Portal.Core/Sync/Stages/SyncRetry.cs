using Microsoft.Extensions.Options;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// The stages' one retry: a failure the <see cref="FailureClassifier"/> calls retryable gets <see cref="SyncOptions.MaxRetries"/>
/// retries with full exponential backoff plus jitter; anything else, and the last failure, goes to the caller.
/// </summary>
public sealed class SyncRetry(FailureClassifier failures, IOptions<SyncOptions> options, SyncMonitor monitor, TimeProvider timeProvider)
{
    private readonly SyncOptions _options = options.Value;

    public async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (attempt < _options.MaxRetries && failures.IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                monitor.RecordRetry();
                var delay = _options.RetryBaseDelay * Math.Pow(2, attempt);
                if (delay > TimeSpan.Zero)
                {
                    // Full exponential backoff plus up to 50 % jitter, so retries of a batch do not line up.
                    await Task.Delay(delay + delay * (Random.Shared.NextDouble() / 2), timeProvider, cancellationToken);
                }
            }
        }
    }

    public Task RunAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        return RunAsync(async () =>
        {
            await action();
            return true;
        }, cancellationToken);
    }
}
