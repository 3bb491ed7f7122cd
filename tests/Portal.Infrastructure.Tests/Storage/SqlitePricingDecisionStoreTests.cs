using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

public sealed class SqlitePricingDecisionStoreTests : PricingDecisionStoreContract
{
    private readonly TempFolder _folder = new();
    private SqlitePricingDecisionStore? _store;

    protected override Task<IPricingDecisionStore> CreateStoreAsync()
    {
        _store = new SqlitePricingDecisionStore(System.IO.Path.Combine(_folder.Path, "db", "sales.db"));
        return Task.FromResult<IPricingDecisionStore>(_store);
    }

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SharesTheFileWithTheSalesStore()
    {
        var path = System.IO.Path.Combine(_folder.Path, "shared.db");
        using var sales = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = path }, TimeProvider.System);
        using var decisions = new SqlitePricingDecisionStore(path);
        await sales.AddSaleAsync(Sale("acme", "s1", 10m, DateTimeOffset.UtcNow.AddDays(-1)), null, Ct);
        await decisions.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 10)), Ct);

        Assert.Equal(1, await sales.CountSalesAsync(new TenantId("acme"), Ct));
        Assert.NotNull(await decisions.GetAsync(new TenantId("acme"), "d1", Ct));
    }
}
