using Portal.Core.Validation;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Validation;

public sealed class SqliteValidationReportStoreTests : ValidationReportStoreContract
{
    private readonly TempFolder _folder = new();
    private SqliteValidationReportStore? _store;

    protected override Task<IValidationReportStore> CreateStoreAsync()
    {
        _store = new SqliteValidationReportStore(Path.Combine(_folder.Path, "portal.db"));
        return Task.FromResult<IValidationReportStore>(_store);
    }

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
