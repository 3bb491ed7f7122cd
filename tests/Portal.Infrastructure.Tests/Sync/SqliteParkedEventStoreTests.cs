using Portal.Infrastructure.Local.Storage;
using Portal.Infrastructure.Tests.Storage;
using Portal.Pricing.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The parked-event contract against a real SQLite file, one file per test.</summary>
public sealed class SqliteParkedEventStoreTests : ParkedEventStoreContract
{
    private readonly TempFolder _folder = new();

    protected override Task<IParkedEventStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IParkedEventStore>(new SqliteParkedEventStore(Path.Combine(_folder.Path, "sales.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
