using Microsoft.Data.Sqlite;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The parked-event contract against a real SQLite file, one file per test.</summary>
public sealed class SqliteParkedEventStoreTests : ParkedEventStoreContract
{
    private readonly TempFolder _folder = new();

    protected override Task<IParkedEventStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IParkedEventStore>(new SqliteParkedEventStore(Path.Combine(_folder.Path, "sales.db")));

    [Fact]
    public async Task AFileFromBeforeParkedEventsKeptTheirPhotoGetsTheColumn()
    {
        var path = Path.Combine(_folder.Path, "old.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE parked_events (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, product_id TEXT NOT NULL, event_id TEXT NOT NULL,
                    detail_type TEXT NOT NULL, payload TEXT NOT NULL, transport TEXT NOT NULL, event_time_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
                    parked_at_ms INTEGER NOT NULL, attempts INTEGER NOT NULL, UNIQUE (tenant_id, detail_type, event_id));
                INSERT INTO parked_events (tenant_id, product_id, event_id, detail_type, payload, transport, event_time_ms, expires_at_ms, parked_at_ms, attempts)
                    VALUES ('acme', 'p-old', 'e-old', 'product.sold', '{}', 'http', 0, 0, 0, 1);
                """;
            await create.ExecuteNonQueryAsync();
        }

        using var store = new SqliteParkedEventStore(path);
        await store.ParkAsync(Parked(Acme, "p-new", "e-new", 1) with { ImageKey = "acme/ab/abc.jpg" }, Ct);

        var all = await store.ListAllAsync(10, Ct);
        Assert.Null(Assert.Single(all, p => p.EventId == "e-old").ImageKey);
        Assert.Equal("acme/ab/abc.jpg", Assert.Single(all, p => p.EventId == "e-new").ImageKey);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
