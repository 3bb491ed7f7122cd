using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Sync;

/// <summary>
/// The live figures behind the ops Sync page: a rolling hour of outcomes per minute and tenant, lag samples and the last
/// errors, kept in memory (they describe this process; the meter carries them to OpenTelemetry).
/// </summary>
public sealed class SyncMonitor(TimeProvider timeProvider, SyncMetrics metrics) : ISyncMonitor
{
    private const int MaxLagSamples = 20_000;
    private const int MaxErrors = 20;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<(long Minute, string? Tenant), int[]> _counts = [];
    private readonly Queue<(DateTimeOffset At, string? Tenant, TimeSpan Lag)> _lags = new();
    private readonly LinkedList<SyncError> _errors = new();
    private readonly Dictionary<string, long> _idempotencyHits = [];
    private Func<(int Depth, int Capacity)> _queue = () => (0, 0);

    public void RecordRetry() => metrics.RecordRetry();

    public void SetParked(int count) => metrics.SetParked(count);

    public void ObserveQueue(Func<(int Depth, int Capacity)> queue) => _queue = queue;

    public void Record(TenantId? tenant, string? detailType, EventOutcomeStatus status)
    {
        metrics.RecordOutcome(status, detailType);
        var minute = MinuteOf(timeProvider.GetUtcNow());
        lock (_lock)
        {
            var key = (minute, tenant?.Value);
            if (!_counts.TryGetValue(key, out var counts))
            {
                _counts[key] = counts = new int[5];
                Prune(minute);
            }

            counts[(int)status]++;
        }
    }

    public void RecordIdempotencyHit(TenantId tenant)
    {
        metrics.RecordIdempotencyHit();
        lock (_lock)
        {
            _idempotencyHits[tenant.Value] = _idempotencyHits.GetValueOrDefault(tenant.Value) + 1;
        }
    }

    public void RecordLag(TenantId tenant, TimeSpan lag)
    {
        metrics.RecordLag(lag);
        lock (_lock)
        {
            _lags.Enqueue((timeProvider.GetUtcNow(), tenant.Value, lag));
            while (_lags.Count > MaxLagSamples)
            {
                _lags.Dequeue();
            }
        }
    }

    public void RecordError(TenantId? tenant, string? eventId, string category, string message)
    {
        lock (_lock)
        {
            _errors.AddFirst(new SyncError(timeProvider.GetUtcNow(), tenant, eventId, category, message));
            while (_errors.Count > MaxErrors * 10)
            {
                _errors.RemoveLast();
            }
        }
    }

    public SyncSnapshot GetSnapshot(TenantId? tenant)
    {
        var now = timeProvider.GetUtcNow();
        var last = MinuteOf(now);
        var first = last - 59;
        var scope = tenant?.Value;
        lock (_lock)
        {
            var minutes = new List<SyncMinute>(60);
            for (var m = first; m <= last; m++)
            {
                var sum = new int[5];
                foreach (var ((minute, t), counts) in _counts)
                {
                    if (minute == m && (scope is null || t == scope))
                    {
                        for (var i = 0; i < 5; i++)
                        {
                            sum[i] += counts[i];
                        }
                    }
                }

                minutes.Add(new SyncMinute(DateTimeOffset.FromUnixTimeSeconds(m * 60), sum[0], sum[1], sum[2], sum[3], sum[4]));
            }

            var lags = _lags.Where(l => now - l.At <= Window && (scope is null || l.Tenant == scope)).Select(l => l.Lag).Order().ToArray();
            return new SyncSnapshot
            {
                At = now,
                Minutes = minutes,
                Lag = new SyncLag(lags.Length, Quantile(lags, 0.50), Quantile(lags, 0.95), Quantile(lags, 0.99), lags.Length == 0 ? null : lags[^1]),
                IdempotencyHits = scope is null ? _idempotencyHits.Values.Sum() : _idempotencyHits.GetValueOrDefault(scope),
                ParkedEvents = metrics.Parked,
                QueueDepth = _queue().Depth,
                QueueCapacity = _queue().Capacity,
                LastErrors = [.. _errors.Where(e => scope is null || e.Tenant?.Value == scope).Take(MaxErrors)],
            };
        }
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private void Prune(long currentMinute)
    {
        foreach (var key in _counts.Keys.Where(k => k.Minute < currentMinute - 60).ToList())
        {
            _counts.Remove(key);
        }
    }

    private static TimeSpan? Quantile(TimeSpan[] sorted, double q) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1 < 0 ? 0 : (int)Math.Ceiling(q * sorted.Length) - 1)];
}
