using Portal.Core.Sales;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The sales explorer's queries against dynalite: the same assertions as on SQLite.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbSalesExplorerTests(DynaliteFixture dynalite) : SalesExplorerContract
{
    private string? _table;

    protected override async Task<ISalesStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        _table = await dynalite.CreateSalesTableAsync();
        return new DynamoDbSalesStore(dynalite.Client, _table, new DynamoDbSalesOptions(), timeProvider);
    }

    protected override Task DisposeStorageAsync() => dynalite.DeleteTableAsync(_table);
}
