using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Local.Storage;
using Portal.Infrastructure.Tests.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Sync;

namespace Portal.Infrastructure.Tests.Worker;

/// <summary>
/// A worker killed after a micro-batch's state transaction but before its idempotency outcomes were stored gets the whole
/// micro-batch redelivered: events that were applied and then moved past by a later event of the same batch are replays.
/// </summary>
public sealed class ProductStateReplayTests : IDisposable
{
    private static readonly TenantId Tenant = new("crash-test");
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();
    private readonly SqliteProductStateStore _states;

    public ProductStateReplayTests() => _states = new SqliteProductStateStore(Path.Combine(_folder.Path, "sales.db"), new FakeTimeProvider(Now));

    public void Dispose()
    {
        _states.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task ListedRedeliveredAfterItsSoldInTheSameBatchIsAReplayNotAnIllegalTransition()
    {
        await _states.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], CancellationToken.None);

        var redelivered = await _states.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], CancellationToken.None);

        Assert.All(redelivered, d => Assert.Equal(TransitionKind.Replay, d.Kind));
        Assert.Equal(ProductStatus.Sold, (await _states.GetAsync(Tenant, "p-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task ListedRedeliveredAfterItsDelistingDoesNotListTheProductAgain()
    {
        await _states.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Delisted, "d-1")], CancellationToken.None);

        var redelivered = await _states.ApplyAsync([Request(ProductEventType.Listed, "l-1")], CancellationToken.None);

        Assert.Equal(TransitionKind.Replay, Assert.Single(redelivered).Kind);
        var state = (await _states.GetAsync(Tenant, "p-1", CancellationToken.None))!;
        Assert.Equal(ProductStatus.Delisted, state.Status);
        Assert.Equal(2, state.Version);
    }

    [Fact]
    public async Task ANewListingOfASoldProductIsStillIllegal()
    {
        await _states.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], CancellationToken.None);

        var relisted = await _states.ApplyAsync([Request(ProductEventType.Listed, "l-2")], CancellationToken.None);

        Assert.Equal(TransitionKind.Illegal, Assert.Single(relisted).Kind);
    }

    private static ProductTransitionRequest Request(ProductEventType type, string eventId) => new(Tenant, "p-1", type, eventId, Now.AddMinutes(-1));
}
