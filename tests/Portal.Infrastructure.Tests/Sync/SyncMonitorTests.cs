using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

public sealed class SyncMonitorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public void SnapshotCountsOutcomesPerMinuteAndKeepsTenantsApart()
    {
        var time = new FakeTimeProvider(Start);
        using var metrics = new SyncMetrics();
        var monitor = new SyncMonitor(time, metrics);
        var demo = new TenantId("demo");
        var other = new TenantId("other");

        monitor.Record(demo, ProductEventTypes.Sold, EventOutcomeStatus.Accepted);
        monitor.Record(demo, ProductEventTypes.Sold, EventOutcomeStatus.Duplicate);
        monitor.RecordIdempotencyHit(demo);
        monitor.Record(other, ProductEventTypes.Listed, EventOutcomeStatus.Rejected);
        monitor.RecordError(other, "e-1", nameof(DeadLetterCategory.Schema), "detail.soldPrice: must be greater than 0");
        time.Advance(TimeSpan.FromMinutes(1));
        monitor.Record(demo, ProductEventTypes.Sold, EventOutcomeStatus.Accepted);
        foreach (var ms in new[] { 100, 200, 300, 400, 1000 })
        {
            monitor.RecordLag(demo, TimeSpan.FromMilliseconds(ms));
        }

        var mine = monitor.GetSnapshot(demo);
        var all = monitor.GetSnapshot(null);

        Assert.Equal(60, mine.Minutes.Count);
        Assert.Equal(new SyncMinute(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), 1, 1, 0, 0, 0), mine.Minutes[^2]);
        Assert.Equal(1, mine.Minutes[^1].Accepted);
        Assert.Equal(1, mine.IdempotencyHits);
        Assert.Empty(mine.LastErrors);
        Assert.Equal(5, mine.Lag.Samples);
        Assert.Equal(TimeSpan.FromMilliseconds(300), mine.Lag.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), mine.Lag.P99);
        Assert.Equal(1, all.Minutes[^2].Rejected);
        Assert.Equal("e-1", Assert.Single(all.LastErrors).EventId);
        Assert.Equal(0, monitor.GetSnapshot(other).Lag.Samples);
    }

    [Fact]
    public void TheMeterCountsOutcomesByStatusAndType()
    {
        using var metrics = new SyncMetrics();
        var monitor = new SyncMonitor(new FakeTimeProvider(Start), metrics);
        var seen = new List<(long Value, string Outcome, string Type)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SyncMetrics.MeterName && instrument.Name == "portal.sync.events")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var outcome = tags.ToArray().Single(t => t.Key == "outcome").Value!.ToString()!;
            var type = tags.ToArray().Single(t => t.Key == "type").Value!.ToString()!;
            seen.Add((value, outcome, type));
        });
        listener.Start();

        monitor.Record(new TenantId("demo"), ProductEventTypes.Sold, EventOutcomeStatus.Parked);

        Assert.Contains((1L, "Parked", ProductEventTypes.Sold), seen);
    }
}
