using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ISalesOutbox"/> must have (SQLite file, DynamoDB on dynalite): sale + outbox row together,
/// oldest rows claimed first, a claimed-but-undrained batch returned again under its id after a crash, and two claimers
/// never putting one row into two batches.
/// </summary>
public abstract class SalesOutboxContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    private ISalesOutbox? _outbox;

    protected FakeTimeProvider Time { get; } = new(Now);

    private ISalesOutbox Outbox => _outbox ??= CreateOutbox(Time);

    /// <summary>A new instance over this test's storage (a second worker, or the same one restarted after a crash).</summary>
    protected abstract ISalesOutbox CreateOutbox(TimeProvider timeProvider);

    protected virtual Task InitializeStorageAsync() => Task.CompletedTask;

    protected virtual Task DisposeStorageAsync() => Task.CompletedTask;

    public Task InitializeAsync() => InitializeStorageAsync();

    public Task DisposeAsync() => DisposeStorageAsync();

    [Fact]
    public async Task AddingWithTheOutboxMarksEachNewSalePendingOnce()
    {
        Assert.Equal([true, true, false], await Outbox.AddSalesWithOutboxAsync([Row(1), Row(2), Row(1)], Ct));
        Assert.Equal([false], await Outbox.AddSalesWithOutboxAsync([Row(2)], Ct));

        var status = await Outbox.GetStatusAsync(Ct);

        Assert.Equal(2, status.Pending);
        Assert.Equal(Now, status.OldestEnqueuedAt);
    }

    [Fact]
    public async Task ClaimTakesTheOldestPendingRowsUpToTheLimit()
    {
        for (var i = 1; i <= 3; i++)
        {
            await Outbox.AddSalesWithOutboxAsync([Row(i)], Ct);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var batch = await Outbox.ClaimBatchAsync(2, Ct);

        Assert.NotNull(batch);
        Assert.Equal(["s1", "s2"], batch.Rows.Select(r => r.Sale.SaleId));
        Assert.Equal(3, (await Outbox.GetStatusAsync(Ct)).Pending);

        await Outbox.MarkDrainedAsync(batch.BatchId, Ct);

        var status = await Outbox.GetStatusAsync(Ct);
        Assert.Equal(1, status.Pending);
        Assert.Equal(Now.AddSeconds(2), status.OldestEnqueuedAt);
    }

    [Fact]
    public async Task ABatchClaimedButNeverDrainedIsReturnedFirstUnderTheSameId()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Outbox.AddSalesWithOutboxAsync([Row(i)], Ct);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = (await Outbox.ClaimBatchAsync(3, Ct))!;
        // The worker dies here, before the lake write is marked drained; a new one starts and more sales arrive.
        var restarted = CreateOutbox(Time);
        await restarted.AddSalesWithOutboxAsync([Row(6)], Ct);

        var again = (await restarted.ClaimBatchAsync(10, Ct))!;
        Assert.Equal(first.BatchId, again.BatchId);
        Assert.Equal(first.Rows.Select(r => r.Sale.SaleId), again.Rows.Select(r => r.Sale.SaleId));
        await restarted.MarkDrainedAsync(again.BatchId, Ct);

        var next = (await restarted.ClaimBatchAsync(10, Ct))!;
        Assert.NotEqual(first.BatchId, next.BatchId);
        Assert.Equal(["s4", "s5", "s6"], next.Rows.Select(r => r.Sale.SaleId));
        await restarted.MarkDrainedAsync(next.BatchId, Ct);

        Assert.Null(await restarted.ClaimBatchAsync(10, Ct));
        Assert.Equal(new OutboxStatus(0, null), await restarted.GetStatusAsync(Ct));
    }

    [Fact]
    public async Task BatchRowsCarryTheSaleAndItsEmbedding()
    {
        var (sale, embedding) = Row(7);
        await Outbox.AddSalesWithOutboxAsync([(sale, embedding), (Sale("acme", "plain", 5m, Utc(2025, 6, 2)), null)], Ct);

        var rows = (await Outbox.ClaimBatchAsync(10, Ct))!.Rows.OrderBy(r => r.Sale.SaleId, StringComparer.Ordinal).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Embedding);
        Assert.Equal(sale, rows[1].Sale);
        Assert.Equal("m", rows[1].Embedding!.ModelId);
        Assert.Equal(embedding!.Vector, rows[1].Embedding!.Vector);
    }

    [Fact]
    public async Task TwoClaimersNeverPutOneRowInTwoBatches()
    {
        await Outbox.AddSalesWithOutboxAsync([.. Enumerable.Range(0, 40).Select(Row)], Ct);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(long BatchId, string SaleId)>();

        async Task DrainAsync(ISalesOutbox worker)
        {
            while (await worker.ClaimBatchAsync(7, Ct) is { } batch)
            {
                foreach (var row in batch.Rows)
                {
                    seen.Add((batch.BatchId, row.Sale.SaleId));
                }

                await worker.MarkDrainedAsync(batch.BatchId, Ct);
            }
        }

        await Task.WhenAll(Task.Run(() => DrainAsync(CreateOutbox(Time))), Task.Run(() => DrainAsync(CreateOutbox(Time))));

        var batchesPerSale = seen.GroupBy(s => s.SaleId).ToDictionary(g => g.Key, g => g.Select(s => s.BatchId).Distinct().Count());
        Assert.Equal(40, batchesPerSale.Count);
        Assert.All(batchesPerSale, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, (await Outbox.GetStatusAsync(Ct)).Pending);
    }

    [Fact]
    public async Task DrainedSalesStayInTheStoreAndAreNotClaimedAgain()
    {
        await Outbox.AddSalesWithOutboxAsync([Row(1), Row(2)], Ct);
        var batch = (await Outbox.ClaimBatchAsync(10, Ct))!;
        await Outbox.MarkDrainedAsync(batch.BatchId, Ct);
        await Outbox.MarkDrainedAsync(batch.BatchId, Ct);

        Assert.Null(await Outbox.ClaimBatchAsync(10, Ct));
        Assert.Equal(2, await ((ISalesStore)Outbox).CountSalesAsync(new TenantId("acme"), Ct));
    }

    [Fact]
    public async Task BadInputIsRefusedAndNothingIsEnqueued()
    {
        var (good, _) = Row(1);

        await Assert.ThrowsAsync<ArgumentException>(() => Outbox.AddSalesWithOutboxAsync([(good, null), (good with { SaleId = "", ProductId = "p-x" }, null)], Ct));

        Assert.Equal(new OutboxStatus(0, null), await Outbox.GetStatusAsync(Ct));
        Assert.Null(await Outbox.ClaimBatchAsync(10, Ct));
    }

    private static (SaleRecord Sale, StoredEmbedding? Embedding) Row(int i) =>
        (Sale("acme", $"s{i}", 10m + i, Utc(2025, 6, 1).AddHours(i)), new StoredEmbedding("m", [i, 1f, -0.5f]));
}
