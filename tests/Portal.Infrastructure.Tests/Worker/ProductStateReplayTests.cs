using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;
using Portal.Infrastructure.Tests.Sync;

namespace Portal.Infrastructure.Tests.Worker;

/// <summary>
/// The product state contract against SQLite. Its replay facts are why it lives here: a worker killed after a micro-batch's
/// state transaction but before its idempotency outcomes were stored gets the whole micro-batch redelivered, and events that
/// were applied and then moved past by a later event of the same batch are replays.
/// </summary>
public sealed class ProductStateReplayTests : ProductStateStoreContract
{
    private readonly TempFolder _folder = new();

    protected override Task<IProductStateStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IProductStateStore>(new SqliteProductStateStore(Path.Combine(_folder.Path, "sales.db"), timeProvider));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
