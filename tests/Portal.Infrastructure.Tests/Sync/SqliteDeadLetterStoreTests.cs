using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The dead-letter contract against a real SQLite file, one file per test.</summary>
public sealed class SqliteDeadLetterStoreTests : DeadLetterStoreContract
{
    private readonly TempFolder _folder = new();

    protected override int MaxPayloadChars => SqliteDeadLetterStore.MaxPayloadChars;

    protected override Task<IDeadLetterStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IDeadLetterStore>(new SqliteDeadLetterStore(Path.Combine(_folder.Path, "sales.db"), timeProvider));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
