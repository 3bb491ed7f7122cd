using System.Collections.Concurrent;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Web.Tests.Components.Sync;

/// <summary>The Sync page's port answered by the test: each call returns <see cref="Next"/> and records the scope asked for.</summary>
internal sealed class ScriptedSyncMonitor : ISyncMonitor
{
    public Func<int, SyncSnapshot> Next { get; set; } = _ => throw new InvalidOperationException("No snapshot scripted.");

    public ConcurrentQueue<TenantId?> Calls { get; } = new();

    public SyncSnapshot GetSnapshot(TenantId? tenant)
    {
        Calls.Enqueue(tenant);
        return Next(Calls.Count);
    }

    /// <summary>An hour of minutes ending at <paramref name="at"/>: zeros except the ones given (minutes ago → counts).</summary>
    public static SyncSnapshot Snapshot(DateTimeOffset at, IReadOnlyDictionary<int, (int Accepted, int Duplicate, int Rejected, int Parked, int Failed)> busyMinutes, Action<SyncSnapshotBuilder>? tweak = null)
    {
        var start = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero).AddMinutes(-59);
        var minutes = Enumerable.Range(0, 60).Select(i =>
        {
            var minute = start.AddMinutes(i);
            return busyMinutes.TryGetValue(59 - i, out var c)
                ? new SyncMinute(minute, c.Accepted, c.Duplicate, c.Rejected, c.Parked, c.Failed)
                : new SyncMinute(minute, 0, 0, 0, 0, 0);
        }).ToList();
        var builder = new SyncSnapshotBuilder();
        tweak?.Invoke(builder);
        return new SyncSnapshot
        {
            At = at,
            Minutes = minutes,
            Lag = builder.Lag,
            IdempotencyHits = builder.IdempotencyHits,
            ParkedEvents = builder.Parked,
            QueueDepth = builder.QueueDepth,
            QueueCapacity = builder.QueueCapacity,
            LastErrors = builder.Errors,
        };
    }
}

internal sealed class SyncSnapshotBuilder
{
    public SyncLag Lag { get; set; } = new(0, null, null, null, null);
    public long IdempotencyHits { get; set; }
    public int Parked { get; set; }
    public int QueueDepth { get; set; }
    public int QueueCapacity { get; set; } = 1000;
    public IReadOnlyList<SyncError> Errors { get; set; } = [];
}
