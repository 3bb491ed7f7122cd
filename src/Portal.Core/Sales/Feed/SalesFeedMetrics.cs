using System.Diagnostics.Metrics;

namespace Portal.Core.Sales.Feed;

/// <summary>The <c>Portal.Feed</c> meter: this host's index lag and watermark, sales applied from the feed and expired from the index.</summary>
public sealed class SalesFeedMetrics : IDisposable
{
    public const string MeterName = "Portal.Feed";

    private readonly Meter _meter;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _expired;

    public SalesFeedMetrics(SalesFeedStatus status, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _applied = _meter.CreateCounter<long>("portal.feed.applied", "{sale}", "Sales written elsewhere that the feed added to this host's index.");
        _expired = _meter.CreateCounter<long>("portal.feed.expired", "{sale}", "Sales past their retention removed from this host's index.");
        _meter.CreateObservableGauge("portal.feed.lag", () => status.Snapshot().Lag?.TotalSeconds ?? 0, "s",
            "Time since this host's last complete read of the sales feed.");
        _meter.CreateObservableGauge("portal.feed.watermark", () => status.Snapshot().Watermark?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, "s",
            "Write time (unix seconds) of the newest sale this host's index has seen.");
    }

    public void RecordApplied(int sales) => _applied.Add(sales);

    public void RecordExpired(int sales) => _expired.Add(sales);

    public void Dispose() => _meter.Dispose();
}
