using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Core.Sales.Feed;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;
using Portal.Infrastructure.Tests.Validation;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Feed;

/// <summary>
/// The follower over a real SQLite file written by another store instance (another process's view of the same file): what
/// it adds, what the overlap catches, what retention removes, and the one alert a lagging host raises.
/// </summary>
public sealed class SalesFeedFollowerTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TenantId Acme = new("acme");

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly SqliteSalesStore _writer;
    private readonly SqliteSalesStore _reader;
    private readonly InMemorySalesIndex _index = new();
    private readonly RecordingAlertSink _alerts = new();
    private readonly SalesFeedStatus _status;
    private readonly SalesFeedFollower _follower;

    public SalesFeedFollowerTests()
    {
        var path = Path.Combine(_folder.Path, "sales.db");
        _writer = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = path }, _time);
        _reader = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = path }, _time);
        _status = new SalesFeedStatus(_time, "host-1");
        _follower = new SalesFeedFollower(
            _reader, _reader, _index, new SalesIndexLoader(_reader, _index, _time), _status, new SalesFeedMetrics(_status),
            new AlertPublisher([_alerts], NullLogger<AlertPublisher>.Instance),
            Options.Create(new SalesFeedOptions { Overlap = TimeSpan.FromSeconds(5), PageSize = 2, LagAlertThreshold = TimeSpan.FromSeconds(30) }),
            _time, NullLogger<SalesFeedFollower>.Instance);
        _follower.ResumeFrom(Now);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task SalesWrittenElsewhereAreAddedOnceAcrossPagesAndPolls()
    {
        await _writer.AddSalesAsync([.. Enumerable.Range(0, 5).Select(i => (Sale("acme", $"s{i}", 10m, Now.AddDays(-i)), (StoredEmbedding?)new StoredEmbedding("m", [1f, i])))], Ct);
        // This host's own write is already in its index: the feed must not add it again.
        var own = Sale("acme", "own", 10m, Now.AddDays(-1));
        await _writer.AddSaleAsync(own, null, Ct);
        _index.Add(own, null);

        await _follower.PollOnceAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _follower.PollOnceAsync(Ct);

        Assert.Equal(6, _index.Count(Acme));
        Assert.Equal(5, _status.Snapshot().Applied);
        Assert.Equal(5, _index.Search(Acme, "dresses", "m", [1f, 0f], SearchFilter.None, 10, -1f).Count);
    }

    [Fact]
    public async Task AWriteStampedBeforeTheWatermarkButWithinTheOverlapIsStillApplied()
    {
        _time.Advance(TimeSpan.FromSeconds(10));
        await _writer.AddSaleAsync(Sale("acme", "late", 10m, Now), null, Ct);
        _follower.ResumeFrom(_time.GetUtcNow().AddSeconds(3));

        await _follower.PollOnceAsync(Ct);

        Assert.True(_index.Contains(Acme, "late"));
    }

    [Fact]
    public async Task SalesPastTheirRetentionLeaveTheIndex()
    {
        await _writer.AddSaleAsync(Sale("acme", "ageing", 10m, Now - _reader.RetentionPeriod + TimeSpan.FromHours(1)), null, Ct);
        await _follower.PollOnceAsync(Ct);
        Assert.True(_index.Contains(Acme, "ageing"));

        _time.Advance(TimeSpan.FromHours(2));
        await _follower.PollOnceAsync(Ct);

        Assert.False(_index.Contains(Acme, "ageing"));
        Assert.Equal(1, _status.Snapshot().Expired);
    }

    [Fact]
    public async Task AHostBehindTheThresholdAlertsOnceUntilItCatchesUp()
    {
        _time.Advance(TimeSpan.FromSeconds(20));
        await _follower.AlertOnLagAsync(Ct);
        Assert.Empty(_alerts.Alerts);

        _time.Advance(TimeSpan.FromSeconds(20));
        await _follower.AlertOnLagAsync(Ct);
        await _follower.AlertOnLagAsync(Ct);
        var alert = Assert.Single(_alerts.Alerts);
        Assert.Contains("host-1", alert.Title, StringComparison.Ordinal);
        Assert.Equal(40, _status.Snapshot().Lag!.Value.TotalSeconds, 3);

        await _follower.PollOnceAsync(Ct);
        await _follower.AlertOnLagAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(31));
        await _follower.AlertOnLagAsync(Ct);
        Assert.Equal(2, _alerts.Alerts.Count);
    }

    [Fact]
    public async Task AnIdleHostReadsAnEmptyWindowOnceTheOverlapHasPassed()
    {
        var feed = new EntryCountingFeed(_reader);
        var follower = Follower(feed);
        follower.ResumeFrom(Now);
        await _writer.AddSalesAsync([.. Enumerable.Range(0, 3).Select(i => (Sale("acme", $"s{i}", 10m, Now.AddDays(-1)), (StoredEmbedding?)null))], Ct);
        await follower.PollOnceAsync(Ct);
        Assert.Equal(3, feed.EntriesRead);

        // Nothing written since: once a pass has started more than the overlap after the last write, the next ones read nothing.
        _time.Advance(TimeSpan.FromSeconds(10));
        await follower.PollOnceAsync(Ct);
        var afterOverlap = feed.EntriesRead;
        _time.Advance(TimeSpan.FromSeconds(1));
        await follower.PollOnceAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await follower.PollOnceAsync(Ct);

        Assert.Equal(afterOverlap, feed.EntriesRead);
        Assert.Equal(3, _index.Count(Acme));
    }

    [Fact]
    public async Task AWriteStampedWithinTheOverlapBeforeAnIdlePassIsStillApplied()
    {
        await _writer.AddSaleAsync(Sale("acme", "first", 10m, Now), null, Ct);
        await _follower.PollOnceAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(30));
        await _follower.PollOnceAsync(Ct);

        // A writer whose clock runs 4 s behind (or whose write became visible 4 s late) commits after that pass.
        var behind = new FakeTimeProvider(_time.GetUtcNow().AddSeconds(-4));
        using (var late = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, behind))
        {
            await late.AddSaleAsync(Sale("acme", "late", 10m, Now), null, Ct);
        }

        _time.Advance(TimeSpan.FromMilliseconds(500));
        await _follower.PollOnceAsync(Ct);

        Assert.True(_index.Contains(Acme, "late"));
    }

    private SalesFeedFollower Follower(ISalesChangeFeed feed) => new(
        feed, _reader, _index, new SalesIndexLoader(_reader, _index, _time), _status, new SalesFeedMetrics(_status),
        new AlertPublisher([_alerts], NullLogger<AlertPublisher>.Instance),
        Options.Create(new SalesFeedOptions { Overlap = TimeSpan.FromSeconds(5), PageSize = 2, LagAlertThreshold = TimeSpan.FromSeconds(30) }),
        _time, NullLogger<SalesFeedFollower>.Instance);

    /// <summary>The real feed, counting the entries its reads return (what a poll costs the store).</summary>
    private sealed class EntryCountingFeed(ISalesChangeFeed inner) : ISalesChangeFeed
    {
        public int EntriesRead { get; private set; }

        public async Task<IReadOnlyList<SalesFeedEntry>> ReadFeedAsync(SalesFeedCursor cursor, int limit, CancellationToken cancellationToken)
        {
            var entries = await inner.ReadFeedAsync(cursor, limit, cancellationToken);
            EntriesRead += entries.Count;
            return entries;
        }

        public Task<IReadOnlyList<SaleWithPhotos>> GetFeedSalesAsync(IReadOnlyList<SalesFeedEntry> entries, CancellationToken cancellationToken) =>
            inner.GetFeedSalesAsync(entries, cancellationToken);

        public Task RecordHeartbeatAsync(SalesFeedHeartbeat heartbeat, CancellationToken cancellationToken) => inner.RecordHeartbeatAsync(heartbeat, cancellationToken);

        public Task<IReadOnlyList<SalesFeedHeartbeat>> GetHeartbeatsAsync(TimeSpan within, CancellationToken cancellationToken) =>
            inner.GetHeartbeatsAsync(within, cancellationToken);
    }
}
