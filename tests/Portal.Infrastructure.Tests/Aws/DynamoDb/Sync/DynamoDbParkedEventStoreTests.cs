using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Tests.Sync;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>The parked-event contract against dynalite, one sync table per test.</summary>
[Collection(DynaliteSyncCollection.Name)]
public sealed class DynamoDbParkedEventStoreTests(DynaliteSyncFixture dynalite) : ParkedEventStoreContract
{
    private static readonly DynamoDbSyncOptions Options = new() { ParkedEventGrace = TimeSpan.FromDays(14) };
    private DynamoDbSyncTable? _table;

    public override async Task InitializeAsync()
    {
        _table = await dynalite.NewTableAsync(Options);
        await base.InitializeAsync();
    }

    protected override Task<IParkedEventStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IParkedEventStore>(new DynamoDbParkedEventStore(dynalite.Client, _table!, timeProvider));

    [Fact]
    public async Task AnExpiredEventStaysVisibleForItsGraceSoItCanBeDeadLettered()
    {
        var parked = Parked(Acme, "p-1", "e-1", eventMinutesAgo: 5);
        await Store.ParkAsync(parked, Ct);

        Time.Advance(TimeSpan.FromHours(2));

        var stillThere = Assert.Single(await Store.ListAllAsync(10, Ct));
        Assert.True(stillThere.ExpiresAt < Time.GetUtcNow());
    }

    [Fact]
    public async Task PastItsTtlAParkedEventIsInvisibleAndParkingItAgainStartsAfresh()
    {
        var parked = Parked(Acme, "p-1", "e-1", eventMinutesAgo: 5);
        await Store.ParkAsync(parked, Ct);
        await Store.ParkAsync(parked, Ct);
        var before = Assert.Single(await Store.ListAllAsync(10, Ct));

        Time.Advance(TimeSpan.FromHours(1) + Options.ParkedEventGrace + TimeSpan.FromMinutes(1));

        Assert.Empty(await Store.ListAllAsync(10, Ct));
        Assert.Empty(await Store.ListForProductAsync(Acme, "p-1", Ct));
        Assert.Equal(0, await Store.CountAsync(Ct));
        Assert.False(await Store.RemoveAsync(before.Id, Ct));

        await Store.ParkAsync(parked with { ParkedAt = Time.GetUtcNow(), ExpiresAt = Time.GetUtcNow().AddHours(1) }, Ct);
        var fresh = Assert.Single(await Store.ListAllAsync(10, Ct));
        Assert.Equal(1, fresh.Attempts);
        Assert.NotEqual(before.Id, fresh.Id);
    }
}
