using System.Diagnostics.Metrics;
using Portal.Core.Sync;

namespace Portal.Core.Sync;

/// <summary>The <c>Portal.Sync</c> meter: outcomes per type, lag from event time to queryable, idempotency hits, parked and queued events.</summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "Portal.Sync";

    private readonly Meter _meter;
    private readonly Counter<long> _events;
    private readonly Counter<long> _idempotencyHits;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _lakeRows;
    private int _parked;
    private Func<int> _queueDepth = () => 0;

    public SyncMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _events = _meter.CreateCounter<long>("portal.sync.events", "{event}", "Events by outcome and detail-type.");
        _idempotencyHits = _meter.CreateCounter<long>("portal.sync.idempotency_hits", "{event}", "Redeliveries answered from the idempotency store.");
        _retries = _meter.CreateCounter<long>("portal.sync.retries", "{retry}", "Retries of retryable failures.");
        _lag = _meter.CreateHistogram<double>("portal.sync.lag", "s", "Event time to sale queryable by the engine.");
        _lakeRows = _meter.CreateCounter<long>("portal.sync.lake_rows", "{row}", "Rows drained from the outbox into the lake.");
        _meter.CreateObservableGauge("portal.sync.parked", () => Volatile.Read(ref _parked), "{event}", "Events parked waiting for their predecessor.");
        _meter.CreateObservableGauge("portal.sync.queue_depth", () => _queueDepth(), "{submission}", "Submissions waiting in the in-process channel.");
    }

    public int Parked => Volatile.Read(ref _parked);

    public void RecordOutcome(EventOutcomeStatus status, string? detailType) =>
        _events.Add(1, new KeyValuePair<string, object?>("outcome", status.ToString()), new KeyValuePair<string, object?>("type", detailType ?? "unknown"));

    public void RecordIdempotencyHit() => _idempotencyHits.Add(1);

    public void RecordRetry() => _retries.Add(1);

    public void RecordLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    public void RecordLakeRows(int rows) => _lakeRows.Add(rows);

    public void SetParked(int count) => Volatile.Write(ref _parked, count);

    public void ObserveQueueDepth(Func<int> depth) => _queueDepth = depth;

    public void Dispose() => _meter.Dispose();
}
