using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The image-embedding contract against a real SQLite file, one file per test.</summary>
public sealed class SqliteImageEmbeddingStoreTests : ImageEmbeddingStoreContract
{
    private readonly TempFolder _folder = new();

    protected override Task<IImageEmbeddingStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IImageEmbeddingStore>(new SqliteImageEmbeddingStore(Path.Combine(_folder.Path, "sales.db"), timeProvider));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
