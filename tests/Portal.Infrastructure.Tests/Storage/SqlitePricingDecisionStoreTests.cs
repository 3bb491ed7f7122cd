using Portal.Infrastructure.Local.Storage;
using Portal.Pricing.Decisions;
using Portal.Pricing.Domain;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

public sealed class SqlitePricingDecisionStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempFolder _folder = new();
    private readonly SqlitePricingDecisionStore _store;

    public SqlitePricingDecisionStoreTests() => _store = new SqlitePricingDecisionStore(System.IO.Path.Combine(_folder.Path, "db", "sales.db"));

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private static PricingDecision Decision(string tenant, string id, DateTimeOffset at, string user = "ana@example.com", string category = "shoes") => new()
    {
        DecisionId = id,
        Tenant = new TenantId(tenant),
        UserName = user,
        DecidedAt = at,
        Category = category,
        Condition = "very_good",
        Brand = "acme",
        Title = "Leather boots",
        ProductId = "p-1",
        ImageKeys = [$"{tenant}/ab/abc.jpg", $"{tenant}/cd/cde.png"],
        SuggestedPrice = 123.450m,
        RangeLow = 99.9m,
        RangeHigh = 150.05m,
        Confidence = 0.734,
        FinalPrice = 119.00m,
        Currency = "EUR",
        OverrideReason = "Scuffed toe",
        ExcludedSaleIds = ["s-1", "s-2"],
        Fallback = "widened_window",
        EmbeddingModel = "resnet18-onnx-v1",
    };

    [Fact]
    public async Task RoundTripsEveryFieldWithExactDecimals()
    {
        var decision = Decision("acme", "d1", Utc(2026, 1, 10).AddTicks(1234567));
        await _store.SaveAsync(decision, Ct);

        var read = await _store.GetAsync(decision.Tenant, "d1", Ct);

        Assert.NotNull(read);
        Assert.Equal(decision with { ImageKeys = read.ImageKeys, ExcludedSaleIds = read.ExcludedSaleIds }, read);
        Assert.Equal(decision.ImageKeys, read.ImageKeys);
        Assert.Equal(decision.ExcludedSaleIds, read.ExcludedSaleIds);
        Assert.Equal("123.450", read.SuggestedPrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("119.00", read.FinalPrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RoundTripsAnAcceptedDecisionWithoutOptionalFields()
    {
        var decision = Decision("acme", "d1", Utc(2026, 1, 10)) with
        {
            Brand = null, Title = null, ProductId = null, OverrideReason = null, Fallback = null, ExcludedSaleIds = [],
        };
        await _store.SaveAsync(decision, Ct);

        var read = await _store.GetAsync(decision.Tenant, "d1", Ct);

        Assert.NotNull(read);
        Assert.Null(read.OverrideReason);
        Assert.Null(read.Brand);
        Assert.Empty(read.ExcludedSaleIds);
    }

    [Fact]
    public async Task AnotherTenantsDecisionIsNotFound()
    {
        await _store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 10)), Ct);
        await _store.SaveAsync(Decision("other", "d2", Utc(2026, 1, 11)), Ct);

        Assert.Null(await _store.GetAsync(new TenantId("other"), "d1", Ct));
        Assert.Null(await _store.GetAsync(new TenantId("acme"), "unknown", Ct));
        var acme = await _store.QueryAsync(new DecisionQuery { Tenant = new TenantId("acme") }, Ct);
        Assert.Equal(["d1"], acme.Select(d => d.DecisionId));
    }

    [Fact]
    public async Task QueriesNewestFirstWithFiltersAndPaging()
    {
        var tenant = new TenantId("acme");
        await _store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 1), user: "ana"), Ct);
        await _store.SaveAsync(Decision("acme", "d2", Utc(2026, 1, 5), user: "bob", category: "bags"), Ct);
        await _store.SaveAsync(Decision("acme", "d3", Utc(2026, 1, 9), user: "ana", category: "bags"), Ct);
        await _store.SaveAsync(Decision("acme", "d4", Utc(2026, 1, 12), user: "ana"), Ct);

        Assert.Equal(["d4", "d3", "d2", "d1"], (await _store.QueryAsync(new DecisionQuery { Tenant = tenant }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d4", "d3", "d1"], (await _store.QueryAsync(new DecisionQuery { Tenant = tenant, UserName = "ana" }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d3", "d2"], (await _store.QueryAsync(new DecisionQuery { Tenant = tenant, Category = "bags" }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d3", "d2"], (await _store.QueryAsync(new DecisionQuery { Tenant = tenant, From = Utc(2026, 1, 5), To = Utc(2026, 1, 9) }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d3"], (await _store.QueryAsync(new DecisionQuery { Tenant = tenant, Limit = 1, Offset = 1 }, Ct)).Select(d => d.DecisionId));
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
