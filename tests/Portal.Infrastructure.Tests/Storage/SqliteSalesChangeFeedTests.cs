using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The change-feed contract against a real SQLite file; every store of one test opens the same file.</summary>
public sealed class SqliteSalesChangeFeedTests : SalesChangeFeedContract
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteSalesStore> _stores = [];

    protected override Task<(ISalesStore Store, ISalesOutbox Outbox, ISalesChangeFeed Feed)> CreateAsync(TimeProvider timeProvider)
    {
        var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, timeProvider);
        _stores.Add(store);
        return Task.FromResult<(ISalesStore, ISalesOutbox, ISalesChangeFeed)>((store, store, store));
    }

    protected override Task DisposeStorageAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _folder.Dispose();
        return Task.CompletedTask;
    }
}
