using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The outbox contract against a real SQLite file; every instance of one test opens the same file.</summary>
public sealed class SqliteSalesStoreOutboxTests : SalesOutboxContract
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteSalesStore> _stores = [];

    protected override ISalesOutbox CreateOutbox(TimeProvider timeProvider)
    {
        var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, timeProvider);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
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
