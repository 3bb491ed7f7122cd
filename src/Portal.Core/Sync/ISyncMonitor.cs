using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>Live figures of the sync pipeline for the ops Sync page (the same events also feed the OpenTelemetry meter).</summary>
public interface ISyncMonitor
{
    /// <summary>The last hour by minute, scoped to <paramref name="tenant"/> (null: every tenant, Admin only).</summary>
    SyncSnapshot GetSnapshot(TenantId? tenant);
}

public sealed record SyncSnapshot
{
    public required DateTimeOffset At { get; init; }
    /// <summary>Oldest first, one entry per minute of the last hour (minutes without events included, with zeros).</summary>
    public required IReadOnlyList<SyncMinute> Minutes { get; init; }
    /// <summary>Event time → sale queryable by the engine, over the last hour.</summary>
    public required SyncLag Lag { get; init; }
    public required long IdempotencyHits { get; init; }
    public required int ParkedEvents { get; init; }
    public required int QueueDepth { get; init; }
    public required int QueueCapacity { get; init; }
    /// <summary>Newest first, at most 20.</summary>
    public required IReadOnlyList<SyncError> LastErrors { get; init; }
}

public sealed record SyncMinute(DateTimeOffset Minute, int Accepted, int Duplicate, int Rejected, int Parked, int Failed);

public sealed record SyncLag(int Samples, TimeSpan? P50, TimeSpan? P95, TimeSpan? P99, TimeSpan? Max);

public sealed record SyncError(DateTimeOffset At, TenantId? Tenant, string? EventId, string Category, string Message);
