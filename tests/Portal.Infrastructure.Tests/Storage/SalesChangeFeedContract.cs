using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ISalesChangeFeed"/> must have (SQLite file, DynamoDB on dynalite): every write, by any
/// writing path, in write order from a time on; pages that continue after a cursor without repeating or skipping; expired
/// sales left out; the sales fetched back with every photo.
/// </summary>
public abstract class SalesChangeFeedContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(Now);

    /// <summary>A new store over this test's storage (another process writing to the same file or table).</summary>
    protected abstract Task<(ISalesStore Store, ISalesOutbox Outbox, ISalesChangeFeed Feed)> CreateAsync(TimeProvider timeProvider);

    protected virtual Task InitializeStorageAsync() => Task.CompletedTask;

    protected virtual Task DisposeStorageAsync() => Task.CompletedTask;

    public Task InitializeAsync() => InitializeStorageAsync();

    public Task DisposeAsync() => DisposeStorageAsync();

    [Fact]
    public async Task EveryWritingPathAppearsInWriteOrderFromTheGivenTime()
    {
        var (store, outbox, _) = await CreateAsync(Time);
        var (_, _, feed) = await CreateAsync(Time);
        await store.AddSaleAsync(Sale("acme", "s1", 10m, Now.AddDays(-3)), null, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await store.AddSalesAsync([(Sale("acme", "s3", 10m, Now.AddDays(-5)), null), (Sale("beta", "s2", 10m, Now.AddDays(-1)), null)], Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await outbox.AddSalesWithPhotosAsync([new SaleWithPhotos(Sale("acme", "s0", 10m, Now.AddDays(-9)), null)], Ct);

        var all = await feed.ReadFeedAsync(new SalesFeedCursor(Now), 100, Ct);
        var recent = await feed.ReadFeedAsync(new SalesFeedCursor(Now.AddSeconds(1)), 100, Ct);

        Assert.Equal(["acme/s1", "acme/s3", "beta/s2", "acme/s0"], all.Select(e => $"{e.Tenant.Value}/{e.SaleId}"));
        Assert.Equal([Now, Now.AddSeconds(1), Now.AddSeconds(1), Now.AddSeconds(2)], all.Select(e => e.WrittenAt));
        Assert.Equal(["s3", "s2", "s0"], recent.Select(e => e.SaleId));
        Assert.Empty(await feed.ReadFeedAsync(new SalesFeedCursor(Now.AddSeconds(3)), 100, Ct));
    }

    [Fact]
    public async Task PagesContinueAfterTheCursorWithoutRepeatingOrSkipping()
    {
        var (store, _, feed) = await CreateAsync(Time);
        // Many sales in one write (one write time): the tenant and sale id order them.
        await store.AddSalesAsync([.. Enumerable.Range(0, 7).Select(i => (Sale(i % 2 == 0 ? "acme" : "beta", $"s{i}", 10m, Now.AddDays(-i)), (StoredEmbedding?)null))], Ct);
        Time.Advance(TimeSpan.FromMilliseconds(5));
        await store.AddSaleAsync(Sale("acme", "s7", 10m, Now), null, Ct);

        var seen = new List<SalesFeedEntry>();
        var cursor = new SalesFeedCursor(Now.AddSeconds(-5));
        while (true)
        {
            var page = await feed.ReadFeedAsync(cursor, 3, Ct);
            seen.AddRange(page);
            if (page.Count < 3)
            {
                break;
            }

            cursor = cursor with { After = page[^1] };
        }

        Assert.Equal(["acme/s0", "acme/s2", "acme/s4", "acme/s6", "beta/s1", "beta/s3", "beta/s5", "acme/s7"], seen.Select(e => $"{e.Tenant.Value}/{e.SaleId}"));
        Assert.True(seen.Zip(seen.Skip(1)).All(p => SalesFeedEntry.Compare(p.First, p.Second) < 0));
    }

    [Fact]
    public async Task PagesOfManyWritesAcrossShardsComeInOrderWithoutGaps()
    {
        var (store, _, feed) = await CreateAsync(Time);
        for (var write = 0; write < 6; write++)
        {
            await store.AddSalesAsync([.. Enumerable.Range(0, 20).Select(i => (Sale(i % 3 == 0 ? "beta" : "acme", $"w{write}-{i:00}", 10m, Now.AddDays(-i)), (StoredEmbedding?)null))], Ct);
            Time.Advance(TimeSpan.FromMilliseconds(3));
        }

        var all = await feed.ReadFeedAsync(new SalesFeedCursor(Now), 1000, Ct);
        Assert.Equal(120, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => SalesFeedEntry.Compare(p.First, p.Second) < 0));
        foreach (var pageSize in new[] { 1, 7, 40, 119 })
        {
            var seen = new List<SalesFeedEntry>();
            var cursor = new SalesFeedCursor(Now);
            while (true)
            {
                var page = await feed.ReadFeedAsync(cursor, pageSize, Ct);
                seen.AddRange(page);
                if (page.Count < pageSize)
                {
                    break;
                }

                cursor = cursor with { After = page[^1] };
            }

            Assert.Equal(all, seen);
        }
    }

    [Fact]
    public async Task MoreThanAHundredEntriesComeBackAsEverySaleOnce()
    {
        var (store, _, feed) = await CreateAsync(Time);
        await store.AddSalesAsync([.. Enumerable.Range(0, 230).Select(i => (Sale("acme", $"s{i:000}", 10m + i, Now.AddDays(-1)), (StoredEmbedding?)new StoredEmbedding("m", [1f, i])))], Ct);
        var entries = await feed.ReadFeedAsync(new SalesFeedCursor(Now), 1000, Ct);
        Assert.Equal(230, entries.Count);

        var sales = await feed.GetFeedSalesAsync([.. entries, new SalesFeedEntry(Now, new TenantId("acme"), "unknown")], Ct);

        Assert.Equal(Enumerable.Range(0, 230).Select(i => $"s{i:000}"), sales.Select(s => s.Sale.SaleId).Order(StringComparer.Ordinal));
        Assert.All(sales, s => Assert.Equal(10m + int.Parse(s.Sale.SaleId[1..], System.Globalization.CultureInfo.InvariantCulture), s.Sale.SoldPrice));
        Assert.All(sales, s => Assert.Equal([1f, float.Parse(s.Sale.SaleId[1..], System.Globalization.CultureInfo.InvariantCulture)], s.Embedding!.Vector));
    }

    [Fact]
    public async Task SalesPastTheirRetentionAreLeftOut()
    {
        var (store, _, feed) = await CreateAsync(Time);
        await store.AddSaleAsync(Sale("acme", "old", 10m, Now - store.RetentionPeriod - TimeSpan.FromDays(1)), null, Ct);
        await store.AddSaleAsync(Sale("acme", "ageing", 10m, Now - store.RetentionPeriod + TimeSpan.FromDays(1)), null, Ct);

        Assert.Equal(["ageing"], (await feed.ReadFeedAsync(new SalesFeedCursor(Now), 10, Ct)).Select(e => e.SaleId));

        Time.Advance(TimeSpan.FromDays(2));
        Assert.Empty(await feed.ReadFeedAsync(new SalesFeedCursor(Now), 10, Ct));
        Assert.Empty(await feed.GetFeedSalesAsync([new SalesFeedEntry(Now, new TenantId("acme"), "ageing")], Ct));
    }

    [Fact]
    public async Task TheSalesOfEntriesComeBackWithEveryPhoto()
    {
        var (_, outbox, feed) = await CreateAsync(Time);
        var first = new StoredEmbedding("model-a", [1f, 0f, 0f]);
        var more = new StoredEmbedding[] { new("model-a", [0f, 1f, 0f]), new("model-a", [0f, 0f, 1f]) };
        await outbox.AddSalesWithPhotosAsync(
            [new SaleWithPhotos(Sale("acme", "s1", 12.5m, Now.AddDays(-1)), first) { MorePhotos = more }, new SaleWithPhotos(Sale("acme", "s2", 9m, Now.AddDays(-2)), null)], Ct);

        var entries = await feed.ReadFeedAsync(new SalesFeedCursor(Now), 10, Ct);
        var sales = await feed.GetFeedSalesAsync([.. entries, new SalesFeedEntry(Now, new TenantId("acme"), "unknown")], Ct);

        var s1 = Assert.Single(sales, s => s.Sale.SaleId == "s1");
        Assert.Equal(12.5m, s1.Sale.SoldPrice);
        Assert.Equal(first.Vector, s1.Embedding!.Vector);
        Assert.Equal(more.Select(m => m.Vector), s1.MorePhotos.Select(m => m.Vector));
        var s2 = Assert.Single(sales, s => s.Sale.SaleId == "s2");
        Assert.Null(s2.Embedding);
        Assert.Equal(2, sales.Count);
    }

    [Fact]
    public async Task EachHostKeepsItsLatestHeartbeatAndSilentHostsDropOut()
    {
        var (_, _, feed) = await CreateAsync(Time);
        await feed.RecordHeartbeatAsync(new SalesFeedHeartbeat("portal-a", Now.AddSeconds(-1), Now.AddSeconds(-2), null, TimeSpan.FromSeconds(1)), Ct);
        await feed.RecordHeartbeatAsync(new SalesFeedHeartbeat("portal-a", Now, Now.AddSeconds(-1), Now.AddSeconds(-3), TimeSpan.FromMilliseconds(250)), Ct);
        await feed.RecordHeartbeatAsync(new SalesFeedHeartbeat("portal-b", Now.AddMinutes(-10), null, null, null), Ct);
        await feed.RecordHeartbeatAsync(new SalesFeedHeartbeat("portal-old", Now.AddHours(-2), Now.AddHours(-2), null, null), Ct);

        var heartbeats = await feed.GetHeartbeatsAsync(TimeSpan.FromHours(1), Ct);

        Assert.Equal(
            [new SalesFeedHeartbeat("portal-a", Now, Now.AddSeconds(-1), Now.AddSeconds(-3), TimeSpan.FromMilliseconds(250)), new SalesFeedHeartbeat("portal-b", Now.AddMinutes(-10), null, null, null)],
            heartbeats);
    }
}
