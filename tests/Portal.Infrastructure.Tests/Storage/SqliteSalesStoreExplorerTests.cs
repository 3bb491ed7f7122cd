using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The sales explorer's queries against a real SQLite file.</summary>
public sealed class SqliteSalesStoreExplorerTests : SalesExplorerContract
{
    private readonly TempFolder _folder = new();
    private SqliteSalesStore? _store;

    protected override Task<ISalesStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        _store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, timeProvider);
        return Task.FromResult<ISalesStore>(_store);
    }

    protected override Task DisposeStorageAsync()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
