using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Tests.Sync;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>The product state contract against dynalite, one sync table per test.</summary>
[Collection(DynaliteSyncCollection.Name)]
public sealed class DynamoDbProductStateStoreTests(DynaliteSyncFixture dynalite) : ProductStateStoreContract
{
    private static readonly DynamoDbSyncOptions Options = new() { ProductEventRetention = TimeSpan.FromDays(30) };
    private DynamoDbSyncTable? _table;

    public override async Task InitializeAsync()
    {
        _table = await dynalite.NewTableAsync(Options);
        await base.InitializeAsync();
    }

    protected override Task<IProductStateStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IProductStateStore>(new DynamoDbProductStateStore(dynalite.Client, _table!, timeProvider));

    [Fact]
    public async Task AnEventRememberedPastItsTtlNoLongerMakesAReplay()
    {
        await States.ApplyAsync([Request(ProductEventType.Listed, "l-1"), Request(ProductEventType.Sold, "s-1")], Ct);
        Time.Advance(Options.ProductEventRetention + TimeSpan.FromSeconds(1));

        var redelivered = Assert.Single(await States.ApplyAsync([Request(ProductEventType.Listed, "l-1")], Ct));

        // The event item is still in the table (dynalite, like DynamoDB for up to 48 h, has not deleted it): reads ignore it.
        Assert.Equal(TransitionKind.Illegal, redelivered.Kind);
        Assert.Equal(ProductStatus.Sold, (await States.GetAsync(Tenant, "p-1", Ct))!.Status);
    }
}
