using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

public sealed class EventPipelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TwentyConcurrentDeliveriesOfOneEventMakeOneSaleAndOneLakeRow()
    {
        using var sync = new SyncHarness(TimeProvider.System);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        Assert.Equal(EventOutcomeStatus.Accepted, (await sync.SubmitAsync(Events.Listed("p-1", now))).Outcomes[0].Status);

        var sold = Events.Sold("p-1", now);
        using var gate = new ManualResetEventSlim();
        var deliveries = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            return await sync.SubmitAsync(sold);
        })).ToList();
        gate.Set();
        var outcomes = (await Task.WhenAll(deliveries)).Select(r => Assert.Single(r.Outcomes)).ToList();
        await sync.LakeWriter.DrainAsync(force: true, CancellationToken.None);

        Assert.Single(outcomes, o => o.Status == EventOutcomeStatus.Accepted);
        Assert.Equal(19, outcomes.Count(o => o.Status == EventOutcomeStatus.Duplicate));
        Assert.All(outcomes.Where(o => o.Status == EventOutcomeStatus.Duplicate), o => Assert.Contains("stored outcome: Accepted", o.Reasons[0].Message, StringComparison.Ordinal));
        Assert.Equal(1, await sync.StoreCountAsync());
        Assert.Equal((1, 1), await sync.LakeCountAsync());
        Assert.Equal(1, sync.Index.Count(new TenantId(SyncHarness.Tenant)));
        Assert.Equal(19, sync.Monitor.GetSnapshot(null).IdempotencyHits);
    }

    [Fact]
    public async Task StoreFailureOnTheNthWriteIsRetriedThenDeadLetteredWhileTheRestOfTheBatchIsProcessed()
    {
        FailingSalesOutbox? failing = null;
        using var sync = new SyncHarness(TimeProvider.System, decorateOutbox: real => failing = new FailingSalesOutbox(real, poisonedSaleId: "sale-p-3"));
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var products = Enumerable.Range(1, 5).Select(i => $"p-{i}").ToList();
        await sync.SubmitAsync(Events.Batch([.. products.Select(p => Events.Listed(p, now))]));

        var result = await sync.SubmitAsync(Events.Batch([.. products.Select(p => Events.Sold(p, now))]));
        await sync.LakeWriter.DrainAsync(force: true, CancellationToken.None);

        Assert.Equal([EventOutcomeStatus.Accepted, EventOutcomeStatus.Accepted, EventOutcomeStatus.Failed, EventOutcomeStatus.Accepted, EventOutcomeStatus.Accepted],
            result.Outcomes.Select(o => o.Status));
        // One group write, then the event alone: a first try and two retries.
        Assert.Equal(1 + 1 + sync.Options.MaxRetries, failing!.FailedWrites);
        Assert.Equal(4, await sync.StoreCountAsync());
        Assert.Equal((4, 4), await sync.LakeCountAsync());
        var letter = Assert.Single(await sync.DeadLettersAsync());
        Assert.Equal(DeadLetterCategory.RetriesExhausted, letter.Category);
        Assert.Equal("sold-p-3", letter.EventId);
        Assert.Equal(3, letter.Attempts);
        Assert.Contains("\"saleId\":\"sale-p-3\"", letter.Payload, StringComparison.Ordinal);

        // The key was released: once the store is healthy the redelivery runs (it is not a duplicate).
        failing.Heal();
        var redelivery = await sync.SubmitAsync(Events.Sold("p-3", now));
        await sync.LakeWriter.DrainAsync(force: true, CancellationToken.None);
        Assert.Equal(EventOutcomeStatus.Accepted, redelivery.Outcomes[0].Status);
        Assert.Equal(5, await sync.StoreCountAsync());
        Assert.Equal((5, 5), await sync.LakeCountAsync());
    }

    [Fact]
    public async Task SoldBeforeListedIsParkedThenAppliedWhenListedArrives()
    {
        using var sync = new SyncHarness(TimeProvider.System);
        var now = DateTimeOffset.UtcNow.AddMinutes(-2);

        var sold = await sync.SubmitAsync(Events.Sold("p-9", now.AddMinutes(1)));
        Assert.Equal(EventOutcomeStatus.Parked, sold.Outcomes[0].Status);
        Assert.Equal(0, await sync.StoreCountAsync());
        Assert.Equal(1, await sync.Parked.CountAsync(CancellationToken.None));

        var listed = await sync.SubmitAsync(Events.Listed("p-9", now));
        await sync.LakeWriter.DrainAsync(force: true, CancellationToken.None);

        Assert.Equal(EventOutcomeStatus.Accepted, listed.Outcomes[0].Status);
        Assert.Equal(1, await sync.StoreCountAsync());
        Assert.Equal((1, 1), await sync.LakeCountAsync());
        Assert.Equal(0, await sync.Parked.CountAsync(CancellationToken.None));
        Assert.Equal(ProductStatus.Sold, (await sync.States.GetAsync(new TenantId(SyncHarness.Tenant), "p-9", CancellationToken.None))!.Status);
        Assert.Empty(await sync.DeadLettersAsync());

        // A redelivery of the sold event is a duplicate, and writes nothing.
        Assert.Equal(EventOutcomeStatus.Duplicate, (await sync.SubmitAsync(Events.Sold("p-9", now.AddMinutes(1)))).Outcomes[0].Status);
        Assert.Equal(1, await sync.StoreCountAsync());
    }

    [Fact]
    public async Task ParkedEventPastTheMaximumAgeIsDeadLetteredAsAnIllegalTransition()
    {
        var time = new FakeTimeProvider(Start);
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero });

        Assert.Equal(EventOutcomeStatus.Parked, (await sync.SubmitAsync(Events.Sold("p-2", Start.AddMinutes(-1)))).Outcomes[0].Status);
        await sync.Pipeline.RetryAllParkedAsync(CancellationToken.None);
        Assert.Equal(1, await sync.Parked.CountAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(60));
        await sync.Pipeline.RetryAllParkedAsync(CancellationToken.None);
        await sync.LakeWriter.DrainAsync(force: true, CancellationToken.None);

        Assert.Equal(0, await sync.Parked.CountAsync(CancellationToken.None));
        var letter = Assert.Single(await sync.DeadLettersAsync());
        Assert.Equal(DeadLetterCategory.IllegalTransition, letter.Category);
        Assert.Equal("sold-p-2", letter.EventId);
        Assert.Contains("maximum event age", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await sync.StoreCountAsync());
        Assert.Equal((0, 0), await sync.LakeCountAsync());
    }

    [Fact]
    public async Task AnEventAlreadyOlderThanTheMaximumAgeIsNotParked()
    {
        var time = new FakeTimeProvider(Start);
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero });

        var result = await sync.SubmitAsync(Events.Sold("p-old", Start.AddHours(-2)));

        Assert.Equal(EventOutcomeStatus.Rejected, result.Outcomes[0].Status);
        Assert.Equal(DeadLetterCategory.IllegalTransition, Assert.Single(await sync.DeadLettersAsync()).Category);
        Assert.Equal(0, await sync.Parked.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IllegalTransitionsAreRejectedAtOnceAndChangeNothing()
    {
        var time = new FakeTimeProvider(Start);
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero });
        var at = Start.AddMinutes(-10);

        var result = await sync.SubmitAsync(Events.Batch(
            Events.Listed("p-1", at),
            Events.Updated("p-1", at.AddMinutes(1)),
            Events.Sold("p-1", at.AddMinutes(2)),
            Events.Updated("p-1", at.AddMinutes(3), eventId: "updated-after-sold"),
            Events.Listed("p-2", at),
            Events.Listed("p-2", at.AddMinutes(1), eventId: "listed-again"),
            Events.Delisted("p-2", at.AddMinutes(2)),
            Events.Sold("p-2", at.AddMinutes(3))));

        Assert.Equal(
            [EventOutcomeStatus.Accepted, EventOutcomeStatus.Accepted, EventOutcomeStatus.Accepted, EventOutcomeStatus.Rejected,
             EventOutcomeStatus.Accepted, EventOutcomeStatus.Rejected, EventOutcomeStatus.Accepted, EventOutcomeStatus.Rejected],
            result.Outcomes.Select(o => o.Status));
        Assert.All(await sync.DeadLettersAsync(), l => Assert.Equal(DeadLetterCategory.IllegalTransition, l.Category));
        Assert.Equal(3, (await sync.DeadLettersAsync()).Count);
        Assert.Equal(1, await sync.StoreCountAsync());
        Assert.Equal(ProductStatus.Delisted, (await sync.States.GetAsync(new TenantId(SyncHarness.Tenant), "p-2", CancellationToken.None))!.Status);
        Assert.Equal(3, (await sync.States.GetAsync(new TenantId(SyncHarness.Tenant), "p-1", CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task UnknownTenantAndTenantOutsideTheCallersAreRejectedAndDeadLettered()
    {
        var time = new FakeTimeProvider(Start);
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero, KnownTenants = ["acme"] });
        var at = Start.AddMinutes(-1);

        var anyTenant = await sync.SubmitAsync(Events.Batch(Events.Listed("p-1", at, tenant: "nobody"), Events.Listed("p-2", at, tenant: "acme")));
        var restricted = await sync.SubmitAsync(Events.Listed("p-3", at, tenant: "acme"), restrictTo: new TenantId(SyncHarness.Tenant));

        Assert.Equal([EventOutcomeStatus.Rejected, EventOutcomeStatus.Accepted], anyTenant.Outcomes.Select(o => o.Status));
        Assert.Contains("not known", anyTenant.Outcomes[0].Reasons[0].Message, StringComparison.Ordinal);
        Assert.Equal(EventOutcomeStatus.Rejected, restricted.Outcomes[0].Status);
        var letters = await sync.DeadLettersAsync();
        var unknown = Assert.Single(letters, l => l.Category == DeadLetterCategory.UnknownTenant);
        Assert.Null(unknown.Tenant);
        var notPermitted = Assert.Single(letters, l => l.Category == DeadLetterCategory.TenantNotPermitted);
        Assert.Equal(SyncHarness.Tenant, notPermitted.Tenant?.Value);
        Assert.Null(await sync.States.GetAsync(new TenantId("acme"), "p-3", CancellationToken.None));
    }

    [Fact]
    public async Task SameEventIdWithAnotherPayloadIsAPayloadMismatchNotADuplicate()
    {
        var time = new FakeTimeProvider(Start);
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero });
        var at = Start.AddMinutes(-1);
        await sync.SubmitAsync(Events.Listed("p-1", at, askingPrice: 40m));

        var changed = await sync.SubmitAsync(Events.Listed("p-1", at, askingPrice: 45m));

        Assert.Equal(EventOutcomeStatus.Rejected, changed.Outcomes[0].Status);
        Assert.Equal(DeadLetterCategory.PayloadMismatch, Assert.Single(await sync.DeadLettersAsync()).Category);
    }

    [Fact]
    public async Task SchemaErrorsAreDeadLetteredPerEventAndTheValidNeighboursGoThrough()
    {
        var time = new FakeTimeProvider(Start);
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero });
        var at = Start.AddMinutes(-1);

        var result = await sync.SubmitAsync(Events.Batch(Events.Listed("p-1", at), "{\"version\":\"0\"}", Events.Sold("p-1", at).Replace("35.5", "-3", StringComparison.Ordinal), Events.Listed("p-2", at)));
        var garbage = await sync.SubmitAsync("{not json");

        Assert.Equal([EventOutcomeStatus.Accepted, EventOutcomeStatus.Rejected, EventOutcomeStatus.Rejected, EventOutcomeStatus.Accepted], result.Outcomes.Select(o => o.Status));
        Assert.Contains(result.Outcomes[2].Reasons, r => r.Path == "detail.soldPrice");
        Assert.True(garbage.IsBatchRejected);
        var letters = await sync.DeadLettersAsync();
        Assert.Equal(3, letters.Count);
        Assert.All(letters, l => Assert.Equal(DeadLetterCategory.Schema, l.Category));
        Assert.Equal(0, await sync.StoreCountAsync());
    }

    /// <summary>Fails every write that includes one sale, with SQLite's "database is locked" (a retryable error), until healed.</summary>
    private sealed class FailingSalesOutbox(ISalesOutbox inner, string poisonedSaleId) : ISalesOutbox
    {
        private volatile bool _healed;

        public int FailedWrites;

        public void Heal() => _healed = true;

        public Task<IReadOnlyList<bool>> AddSalesWithOutboxAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken)
        {
            if (!_healed && sales.Any(s => s.Sale.SaleId == poisonedSaleId))
            {
                Interlocked.Increment(ref FailedWrites);
                throw new SqliteException("database is locked", 5);
            }

            return inner.AddSalesWithOutboxAsync(sales, cancellationToken);
        }

        public Task<OutboxBatch?> ClaimBatchAsync(int maxRows, CancellationToken cancellationToken) => inner.ClaimBatchAsync(maxRows, cancellationToken);

        public Task MarkDrainedAsync(long batchId, CancellationToken cancellationToken) => inner.MarkDrainedAsync(batchId, cancellationToken);

        public Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);
    }
}
