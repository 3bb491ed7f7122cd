using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

public sealed class SqlitePricingBatchStoreTests : PricingBatchStoreContract
{
    private readonly TempFolder _folder = new();
    private SqlitePricingBatchStore? _store;

    private string DatabasePath => System.IO.Path.Combine(_folder.Path, "db", "sales.db");

    protected override Task<IPricingBatchStore> CreateStoreAsync()
    {
        _store = new SqlitePricingBatchStore(DatabasePath);
        return Task.FromResult<IPricingBatchStore>(_store);
    }

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ASecondStoreOnTheSameFileSeesTheBatchAndCannotTakeItsLease()
    {
        var acme = new TenantId("acme");
        await Store.CreateAsync(Batch(acme, "b1", Utc(2026, 1, 10)), Rows(2), Ct);
        Assert.True(await Store.TryLeaseAsync(acme, "b1", "host-a", Utc(2026, 1, 10), Utc(2026, 1, 11), Ct));

        using var second = new SqlitePricingBatchStore(DatabasePath);
        Assert.Equal(["b1"], (await second.ListUnfinishedAsync(Ct)).Select(b => b.BatchId));
        Assert.False(await second.TryLeaseAsync(acme, "b1", "host-b", Utc(2026, 1, 10, 13), Utc(2026, 1, 11), Ct));
    }
}
