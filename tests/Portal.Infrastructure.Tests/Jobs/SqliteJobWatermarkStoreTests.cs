using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class SqliteJobWatermarkStoreTests : JobWatermarkStoreContract
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-watermarks-");
    private readonly List<SqliteJobWatermarkStore> _stores = [];

    protected override Task CreateStorageAsync() => Task.CompletedTask;

    protected override IJobWatermarkStore OpenStore(TimeProvider time)
    {
        var store = new SqliteJobWatermarkStore(Path.Combine(_root.FullName, "sales.db"), time);
        _stores.Add(store);
        return store;
    }

    public override Task DisposeAsync()
    {
        _stores.ForEach(s => s.Dispose());
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
