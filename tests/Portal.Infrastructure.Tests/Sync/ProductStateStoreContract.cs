using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>
/// The behaviour every <see cref="IProductStateStore"/> must have (SQLite and DynamoDB): the state machine applied with
/// optimistic concurrency, micro-batches in order, and the replay decision for redelivered events.
/// </summary>
public abstract class ProductStateStoreContract : IAsyncLifetime
{
    protected static readonly TenantId Tenant = new("crash-test");
    protected static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IProductStateStore> _stores = [];
    private IProductStateStore? _states;

    protected static CancellationToken Ct => CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(Now);

    protected IProductStateStore States => _states ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>A new store instance over this test's storage: every instance of one test sees the same states.</summary>
    protected abstract Task<IProductStateStore> CreateStoreAsync(TimeProvider timeProvider);

    public virtual async Task InitializeAsync() => _states = await NewStoreAsync();

    public virtual Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            (store as IDisposable)?.Dispose();
        }

        return Task.CompletedTask;
    }

    protected async Task<IProductStateStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(Time);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task ListedRedeliveredAfterItsSoldInTheSameBatchIsAReplayNotAnIllegalTransition()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], Ct);

        var redelivered = await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], Ct);

        Assert.All(redelivered, d => Assert.Equal(TransitionKind.Replay, d.Kind));
        Assert.Equal(ProductStatus.Sold, (await States.GetAsync(Tenant, "p-1", Ct))!.Status);
    }

    [Fact]
    public async Task ListedRedeliveredAfterItsDelistingDoesNotListTheProductAgain()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Delisted, "d-1")], Ct);

        var redelivered = await States.ApplyAsync([Request(ProductEventType.Listed, "l-1")], Ct);

        Assert.Equal(TransitionKind.Replay, Assert.Single(redelivered).Kind);
        var state = (await States.GetAsync(Tenant, "p-1", Ct))!;
        Assert.Equal(ProductStatus.Delisted, state.Status);
        Assert.Equal(2, state.Version);
    }

    [Fact]
    public async Task ANewListingOfASoldProductIsStillIllegal()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], Ct);

        var relisted = await States.ApplyAsync([Request(ProductEventType.Listed, "l-2")], Ct);

        Assert.Equal(TransitionKind.Illegal, Assert.Single(relisted).Kind);
    }

    [Fact]
    public async Task AFirstListingCreatesVersionOneWithItsEvent()
    {
        var eventTime = Now.AddMinutes(-3);

        var decision = Assert.Single(await States.ApplyAsync([Request(ProductEventType.Listed, "l-1") with { EventTime = eventTime }], Ct));

        Assert.Equal(new TransitionDecision(TransitionKind.Apply, ProductStatus.Listed, null), decision);
        Assert.Equal(new ProductState(ProductStatus.Listed, 1, "l-1", eventTime), await States.GetAsync(Tenant, "p-1", Ct));
        Assert.Null(await States.GetAsync(Tenant, "p-2", Ct));
        Assert.Null(await States.GetAsync(new TenantId("other"), "p-1", Ct));
    }

    [Fact]
    public async Task AnEventBeforeItsListingIsParkedAndChangesNothing()
    {
        var decisions = await States.ApplyAsync([Request(ProductEventType.Sold, "s-1"), Request(ProductEventType.Updated, "u-1")], Ct);

        Assert.All(decisions, d => Assert.Equal(TransitionKind.Park, d.Kind));
        Assert.Null(await States.GetAsync(Tenant, "p-1", Ct));
    }

    [Fact]
    public async Task IllegalTransitionsAreRefusedAndChangeNothing()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], Ct);

        var decisions = await States.ApplyAsync([Request(ProductEventType.Updated, "u-9"), Request(ProductEventType.Delisted, "d-9"), Request(ProductEventType.Sold, "s-9")], Ct);

        Assert.All(decisions, d => Assert.Equal(TransitionKind.Illegal, d.Kind));
        Assert.All(decisions, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
        Assert.Equal(new ProductState(ProductStatus.Sold, 2, "s-1", Now.AddMinutes(-1)), await States.GetAsync(Tenant, "p-1", Ct));
    }

    [Fact]
    public async Task LaterRequestsOfABatchSeeEarlierOnesAndProductsStayApart()
    {
        var decisions = await States.ApplyAsync(
        [
            Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Listed, "l-2", "p-2"), Request(ProductEventType.Updated, "u-1"),
            Request(ProductEventType.Sold, "s-2", "p-2"), Request(ProductEventType.Delisted, "d-1"), Request(ProductEventType.Listed, "l-1b"),
            Request(ProductEventType.Updated, "u-2", "p-2"),
        ], Ct);

        Assert.Equal(
            [TransitionKind.Apply, TransitionKind.Apply, TransitionKind.Apply, TransitionKind.Apply, TransitionKind.Apply, TransitionKind.Apply, TransitionKind.Illegal],
            decisions.Select(d => d.Kind));
        Assert.Equal(new ProductState(ProductStatus.Listed, 4, "l-1b", Now.AddMinutes(-1)), await States.GetAsync(Tenant, "p-1", Ct));
        Assert.Equal(new ProductState(ProductStatus.Sold, 2, "s-2", Now.AddMinutes(-1)), await States.GetAsync(Tenant, "p-2", Ct));
    }

    [Fact]
    public async Task ARedeliveryOfTheLastEventIsAReplayAndKeepsTheVersion()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Updated, "u-1")], Ct);

        var again = Assert.Single(await States.ApplyAsync([Request(ProductEventType.Updated, "u-1")], Ct));

        Assert.Equal(TransitionKind.Replay, again.Kind);
        Assert.Equal(2, (await States.GetAsync(Tenant, "p-1", Ct))!.Version);
    }

    [Fact]
    public async Task TwoConcurrentWritersOnTheSameProductNeverBothApply()
    {
        var first = await NewStoreAsync();
        var second = await NewStoreAsync();
        var products = Enumerable.Range(0, 6).Select(i => $"race-{i}").ToList();
        await States.ApplyAsync(products.Select(p => Request(ProductEventType.Listed, "l-" + p, p)).ToList(), Ct);

        foreach (var product in products)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var a = Task.Run(async () => { await gate.Task; return await first.ApplyAsync([Request(ProductEventType.Sold, "s-a-" + product, product)], Ct); });
            var b = Task.Run(async () => { await gate.Task; return await second.ApplyAsync([Request(ProductEventType.Sold, "s-b-" + product, product)], Ct); });
            gate.SetResult();
            var decisions = (await Task.WhenAll(a, b)).Select(Assert.Single).ToList();

            Assert.Single(decisions, d => d.Kind == TransitionKind.Apply);
            Assert.Single(decisions, d => d.Kind == TransitionKind.Illegal);
            var state = (await States.GetAsync(Tenant, product, Ct))!;
            Assert.Equal(2, state.Version);
            Assert.Equal(decisions[0].Kind == TransitionKind.Apply ? "s-a-" + product : "s-b-" + product, state.LastEventId);
        }
    }

    [Fact]
    public async Task ARelistedProductStartsAnotherCycle()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Delisted, "d-1")], Ct);

        var decisions = await States.ApplyAsync([Request(ProductEventType.Listed, "l-2"), Request(ProductEventType.Sold, "s-1")], Ct);

        Assert.All(decisions, d => Assert.Equal(TransitionKind.Apply, d.Kind));
        Assert.Equal(new ProductState(ProductStatus.Sold, 4, "s-1", Now.AddMinutes(-1)), await States.GetAsync(Tenant, "p-1", Ct));
    }

    protected static ProductTransitionRequest Request(ProductEventType type, string eventId, string productId = "p-1") =>
        new(Tenant, productId, type, eventId, Now.AddMinutes(-1));
}
