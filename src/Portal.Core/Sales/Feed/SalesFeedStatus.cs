namespace Portal.Core.Sales.Feed;

/// <summary>
/// How current this host's index is: the feed watermark (write time of the newest sale seen), when a read last reached the
/// end of the feed, and what the follower has applied. Lag is the time since that last complete read: a host that keeps
/// up shows about one poll interval however quiet the store is; a host that cannot read shows it growing.
/// </summary>
public sealed class SalesFeedStatus(TimeProvider timeProvider, string hostName)
{
    /// <summary>This host's name (<see cref="SalesFeedOptions.HostName"/>, else machine name and process id).</summary>
    public string HostName { get; } = string.IsNullOrWhiteSpace(hostName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : hostName;

    private readonly Lock _lock = new();
    private DateTimeOffset? _watermark;
    private DateTimeOffset? _caughtUpAt;
    private DateTimeOffset? _lastSaleSeenAt;
    private long _applied;
    private long _expired;
    private string? _lastError;

    public SalesFeedSnapshot Snapshot()
    {
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            TimeSpan? lag = _caughtUpAt is { } at ? Max(now - at, TimeSpan.Zero) : null;
            return new SalesFeedSnapshot(_watermark, _caughtUpAt, lag, _lastSaleSeenAt, _applied, _expired, _lastError);
        }
    }

    internal void Started(DateTimeOffset watermark)
    {
        lock (_lock)
        {
            _watermark = watermark;
            _caughtUpAt = timeProvider.GetUtcNow();
        }
    }

    internal void CaughtUp(DateTimeOffset watermark, DateTimeOffset? newestSeen, int applied, int expired)
    {
        lock (_lock)
        {
            _watermark = watermark;
            _caughtUpAt = timeProvider.GetUtcNow();
            if (newestSeen is { } seen && (_lastSaleSeenAt is null || seen > _lastSaleSeenAt))
            {
                _lastSaleSeenAt = seen;
            }

            _applied += applied;
            _expired += expired;
            _lastError = null;
        }
    }

    internal void Failed(string error)
    {
        lock (_lock)
        {
            _lastError = error;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>A copy of <see cref="SalesFeedStatus"/> at one instant.</summary>
public sealed record SalesFeedSnapshot(
    DateTimeOffset? Watermark, DateTimeOffset? CaughtUpAt, TimeSpan? Lag, DateTimeOffset? LastSaleSeenAt, long Applied, long Expired, string? LastError);
