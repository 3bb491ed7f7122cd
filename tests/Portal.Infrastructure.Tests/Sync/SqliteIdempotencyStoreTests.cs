using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The idempotency contract against a real SQLite file (WAL), one file per test.</summary>
public sealed class SqliteIdempotencyStoreTests : IdempotencyStoreContract
{
    private readonly TempFolder _folder = new();

    protected override IIdempotencyStore CreateStore(TimeProvider timeProvider, IdempotencyOptions options) =>
        new SqliteIdempotencyStore(
            new SqliteIdempotencyStoreOptions { DatabasePath = Path.Combine(_folder.Path, "db", "sales.db"), Idempotency = options },
            timeProvider);

    [Fact]
    public void TheKeyIsTheDocumentedString()
    {
        var key = new IdempotencyKey(new Portal.Core.Sales.TenantId("acme"), "sale.created", "evt-42");

        Assert.Equal("IDEM#acme#sale.created#evt-42", key.Value);
        Assert.Throws<ArgumentException>(() => new IdempotencyKey(new Portal.Core.Sales.TenantId("acme"), "a#b", "e"));
        Assert.Throws<ArgumentException>(() => new IdempotencyKey(default, "sale.created", "e"));
    }

    [Fact]
    public async Task PurgeDeletesOnlyExpiredRecords()
    {
        var store = (SqliteIdempotencyStore)CreateStore(Time, Options);
        using (store)
        {
            var hash = new string('c', 64);
            var acme = new Portal.Core.Sales.TenantId("acme");
            await store.TryBeginAsync(new IdempotencyKey(acme, "t", "old"), hash, Options.Lease, Ct);
            Time.Advance(Options.Expiry + TimeSpan.FromSeconds(1));
            await store.TryBeginAsync(new IdempotencyKey(acme, "t", "new"), hash, Options.Lease, Ct);

            Assert.Equal(1, await store.PurgeExpiredAsync(Ct));
            Assert.Equal(IdempotencyClaimKind.InProgress, (await store.TryBeginAsync(new IdempotencyKey(acme, "t", "new"), hash, Options.Lease, Ct)).Kind);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _folder.Dispose();
        }
    }
}
