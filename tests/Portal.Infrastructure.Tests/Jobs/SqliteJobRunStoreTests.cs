using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class SqliteJobRunStoreTests : JobRunStoreContract
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-job-runs-");
    private readonly List<SqliteJobRunStore> _stores = [];

    protected override Task CreateStorageAsync() => Task.CompletedTask;

    protected override IJobRunStore OpenStore()
    {
        var store = new SqliteJobRunStore(Path.Combine(_root.FullName, "sales.db"));
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
