using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The change-feed contract against dynalite: the sparse GSI-FEED, three shards merged into one order.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbSalesChangeFeedTests(DynaliteFixture dynalite) : SalesChangeFeedContract
{
    private string? _table;

    protected override async Task InitializeStorageAsync() => _table = await dynalite.CreateSalesTableAsync();

    protected override Task DisposeStorageAsync() => dynalite.DeleteTableAsync(_table);

    protected override Task<(ISalesStore Store, ISalesOutbox Outbox, ISalesChangeFeed Feed)> CreateAsync(TimeProvider timeProvider)
    {
        var store = new DynamoDbSalesStore(dynalite.Client, _table!, new DynamoDbSalesOptions { FeedShards = 3 }, timeProvider);
        return Task.FromResult<(ISalesStore, ISalesOutbox, ISalesChangeFeed)>((store, store, store));
    }
}
