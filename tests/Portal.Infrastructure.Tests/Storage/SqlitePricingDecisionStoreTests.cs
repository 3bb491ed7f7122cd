using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;
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
    public async Task ReadsDecisionsSavedBeforeVerdictsWereKeptWithoutOneAndKeepsNewOnes()
    {
        // A file written by the version before verdicts: the same table without the verdict columns.
        var path = System.IO.Path.Combine(_folder.Path, "old.db");
        await using (var legacy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await legacy.OpenAsync(Ct);
            await using var create = legacy.CreateCommand();
            create.CommandText =
                """
                CREATE TABLE pricing_decisions (
                    tenant_id TEXT NOT NULL, decision_id TEXT NOT NULL, user_name TEXT NOT NULL, decided_at TEXT NOT NULL,
                    decided_at_ms INTEGER NOT NULL, category TEXT NOT NULL, condition TEXT NOT NULL, brand TEXT NULL, title TEXT NULL,
                    product_id TEXT NULL, image_keys TEXT NOT NULL, suggested_price TEXT NOT NULL, range_low TEXT NOT NULL,
                    range_high TEXT NOT NULL, confidence REAL NOT NULL, final_price TEXT NOT NULL, currency TEXT NOT NULL,
                    override_reason TEXT NULL, excluded_sale_ids TEXT NOT NULL, fallback TEXT NULL, embedding_model TEXT NOT NULL,
                    PRIMARY KEY (tenant_id, decision_id));
                INSERT INTO pricing_decisions VALUES ('acme', 'old', 'ana', '2025-12-01T10:00:00.0000000Z', 1764583200000, 'shoes',
                    'good', NULL, 'Old boots', 'p-old', '["acme/ab/old.jpg"]', '80.00', '70', '90', 0.6, '85.00', 'EUR', NULL, '[]',
                    NULL, 'resnet18-onnx-v1');
                """;
            await create.ExecuteNonQueryAsync(Ct);
        }

        using var store = new SqlitePricingDecisionStore(path);
        var old = await store.GetAsync(new TenantId("acme"), "old", Ct);
        await store.SaveAsync(Decision("acme", "new", Utc(2026, 1, 10)), Ct);
        var listed = await store.QueryAsync(new DecisionQuery { Tenant = new TenantId("acme") }, Ct);

        Assert.NotNull(old);
        Assert.Null(old.Verdict);
        Assert.Equal((85.00m, "Old boots"), (old.FinalPrice, old.Title));
        Assert.Equal(["new", "old"], listed.Select(d => d.DecisionId));
        Assert.Equal(VerdictLevel.Weak, listed[0].Verdict?.Level);
        Assert.Null(listed[1].Verdict);
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
