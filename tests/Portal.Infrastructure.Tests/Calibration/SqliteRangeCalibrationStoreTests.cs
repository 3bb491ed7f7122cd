using Portal.Core.Pricing.Calibration;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Calibration;

/// <summary>The calibration contract on a real SQLite file; every store of one test opens the same file, as two processes would.</summary>
public sealed class SqliteRangeCalibrationStoreTests : RangeCalibrationStoreContract
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteSalesStore> _stores = [];

    protected override IRangeCalibrationStore Open()
    {
        var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, Time);
        _stores.Add(store);
        return store;
    }

    protected override Task DisposeStorageAsync()
    {
        _stores.ForEach(s => s.Dispose());
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
