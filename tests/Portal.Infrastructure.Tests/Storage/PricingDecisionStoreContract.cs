using Microsoft.Extensions.Time.Testing;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IPricingDecisionStore"/> must have: SQLite (embedded) and DynamoDB each derive once and
/// provide an empty store per test.
/// </summary>
public abstract class PricingDecisionStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected IPricingDecisionStore Store { get; private set; } = null!;

    /// <summary>An empty store for one test.</summary>
    protected abstract Task<IPricingDecisionStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static PricingDecision Decision(string tenant, string id, DateTimeOffset at, string user = "ana@example.com", string category = "shoes") => new()
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
        Verdict = new Verdict(VerdictLevel.Weak, "Weak match: only 2 look-alikes found — check before accepting"),
    };

    [Fact]
    public async Task RoundTripsEveryFieldWithExactDecimals()
    {
        var decision = Decision("acme", "d1", Utc(2026, 1, 10).AddTicks(1234567));
        await Store.SaveAsync(decision, Ct);

        var read = await Store.GetAsync(decision.Tenant, "d1", Ct);

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
            Brand = null, Title = null, ProductId = null, OverrideReason = null, Fallback = null, ExcludedSaleIds = [], Verdict = null,
        };
        await Store.SaveAsync(decision, Ct);

        var read = await Store.GetAsync(decision.Tenant, "d1", Ct);

        Assert.NotNull(read);
        Assert.Null(read.OverrideReason);
        Assert.Null(read.Brand);
        Assert.Empty(read.ExcludedSaleIds);
        Assert.Null(read.Verdict);
    }

    [Theory]
    [InlineData(VerdictLevel.Strong)]
    [InlineData(VerdictLevel.Weak)]
    [InlineData(VerdictLevel.None)]
    public async Task KeepsTheVerdictTheAnalystSawInEveryListing(VerdictLevel level)
    {
        var verdict = new Verdict(level, $"The {level} sentence");
        await Store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 10)) with { Verdict = verdict }, Ct);

        var read = await Store.GetAsync(new TenantId("acme"), "d1", Ct);
        var listed = await Store.QueryAsync(new DecisionQuery { Tenant = new TenantId("acme") }, Ct);

        Assert.Equal(verdict, read!.Verdict);
        Assert.Equal(verdict, Assert.Single(listed).Verdict);
    }

    [Fact]
    public async Task SummarisesEveryMatchingDecisionOfTheTenantNewestFirstWhateverTheOffset()
    {
        var tenant = new TenantId("acme");
        for (var i = 0; i < 30; i++)
        {
            await Store.SaveAsync(Decision("acme", $"d{i:D2}", Utc(2026, 1, 1).AddHours(i), user: i % 3 == 0 ? "ana" : "bob") with
            {
                ProductId = $"p{i}", SuggestedPrice = 10m + i, FinalPrice = 20.50m + i, Currency = "SGD",
            }, Ct);
        }

        await Store.SaveAsync(Decision("other", "x1", Utc(2026, 1, 1, 6), user: "ana"), Ct);

        var ana = await Store.SummariseAsync(new DecisionQuery { Tenant = tenant, UserName = "ana", Offset = 5, Limit = 1000 }, Ct);
        var capped = await Store.SummariseAsync(new DecisionQuery { Tenant = tenant, Limit = 4 }, Ct);
        var ranged = await Store.SummariseAsync(new DecisionQuery { Tenant = tenant, From = Utc(2026, 1, 1, 22), To = Utc(2026, 1, 2, 1) }, Ct);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"d{27 - 3 * i:D2}"), ana.Select(s => s.DecisionId));
        Assert.Equal(new DecisionSummary("d27", "ana", Utc(2026, 1, 1).AddHours(27), "p27", 37m, 47.50m, "SGD"), ana[0]);
        Assert.Equal("47.50", ana[0].FinalPrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["d29", "d28", "d27", "d26"], capped.Select(s => s.DecisionId));
        Assert.Equal(["d13", "d12", "d11", "d10"], ranged.Select(s => s.DecisionId));
    }

    [Fact]
    public async Task MeasuresHowFarEachAnalystsPricesWereFromWhatSoldPerMonth()
    {
        using var folder = new TempFolder();
        using var sales = new SqliteSalesStore(
            new SqliteStoreOptions { DatabasePath = System.IO.Path.Combine(folder.Path, "sales.db") }, new FakeTimeProvider(Utc(2026, 3, 1)));
        var tenant = new TenantId("acme");
        async Task DecideAsync(string tenantId, string id, string user, DateTimeOffset at, string? product, decimal suggested, decimal final) =>
            await Store.SaveAsync(Decision(tenantId, id, at, user) with { ProductId = product, SuggestedPrice = suggested, FinalPrice = final }, Ct);
        async Task SellAsync(string tenantId, string saleId, string product, decimal price, DateTimeOffset at) =>
            await sales.AddSaleAsync(Sale(tenantId, saleId, price, at, productId: product), null, Ct);

        // ana, January: final 10 %, 25 % and 20 % off what sold; the suggestions 0 %, 0 % and 20 %.
        await DecideAsync("acme", "a1", "ana", Utc(2026, 1, 5), "pa1", 100m, 110m);
        await SellAsync("acme", "s1", "pa1", 100m, Utc(2026, 1, 20));
        await DecideAsync("acme", "a2", "ana", Utc(2026, 1, 6), "pa2", 200m, 150m);
        await SellAsync("acme", "s2", "pa2", 200m, Utc(2026, 1, 21));
        await DecideAsync("acme", "a3", "ana", Utc(2026, 1, 7), "pa3", 80m, 80m);
        await SellAsync("acme", "s3", "pa3", 100m, Utc(2026, 1, 22));
        // Not matched: no product id; a product that sold only before the decision.
        await DecideAsync("acme", "a4", "ana", Utc(2026, 1, 8), null, 50m, 50m);
        await DecideAsync("acme", "a5", "ana", Utc(2026, 1, 9), "pa5", 50m, 50m);
        await SellAsync("acme", "s5", "pa5", 10m, Utc(2026, 1, 2));
        // bob, January: final 50 % off, the suggestion 25 %.
        await DecideAsync("acme", "b1", "bob", Utc(2026, 1, 10), "pb1", 50m, 60m);
        await SellAsync("acme", "s6", "pb1", 40m, Utc(2026, 1, 25));
        // ana, February: not sold yet.
        await DecideAsync("acme", "a6", "ana", Utc(2026, 2, 3), "pa6", 70m, 70m);
        // Another tenant's decision and its sale of the same product id count nowhere.
        await DecideAsync("other", "o1", "ana", Utc(2026, 1, 5), "pa6", 1m, 1m);
        await SellAsync("other", "s9", "pa6", 1m, Utc(2026, 2, 10));

        var summaries = await Store.SummariseAsync(new DecisionQuery { Tenant = tenant, Limit = 1000 }, Ct);
        var rows = await AnalystMonthAccuracy.MeasureAsync(summaries, new DecisionSales(sales, tenant), Ct);

        Assert.Equal(
            [
                new AnalystMonthAccuracy("ana", "2026-02", 1, 0, null, null, null, null),
                new AnalystMonthAccuracy("ana", "2026-01", 5, 3, 0.20, 0.0, 1.0 / 3, 1.0),
                new AnalystMonthAccuracy("bob", "2026-01", 1, 1, 0.5, 0.25, 0.0, 0.0),
            ],
            rows);
    }

    [Fact]
    public async Task AnotherTenantsDecisionIsNotFound()
    {
        await Store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 10)), Ct);
        await Store.SaveAsync(Decision("other", "d2", Utc(2026, 1, 11)), Ct);

        Assert.Null(await Store.GetAsync(new TenantId("other"), "d1", Ct));
        Assert.Null(await Store.GetAsync(new TenantId("acme"), "unknown", Ct));
        var acme = await Store.QueryAsync(new DecisionQuery { Tenant = new TenantId("acme") }, Ct);
        Assert.Equal(["d1"], acme.Select(d => d.DecisionId));
    }

    [Fact]
    public async Task QueriesNewestFirstWithFiltersAndPaging()
    {
        var tenant = new TenantId("acme");
        await Store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 1), user: "ana"), Ct);
        await Store.SaveAsync(Decision("acme", "d2", Utc(2026, 1, 5), user: "bob", category: "bags"), Ct);
        await Store.SaveAsync(Decision("acme", "d3", Utc(2026, 1, 9), user: "ana", category: "bags"), Ct);
        await Store.SaveAsync(Decision("acme", "d4", Utc(2026, 1, 12), user: "ana"), Ct);

        Assert.Equal(["d4", "d3", "d2", "d1"], (await Store.QueryAsync(new DecisionQuery { Tenant = tenant }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d4", "d3", "d1"], (await Store.QueryAsync(new DecisionQuery { Tenant = tenant, UserName = "ana" }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d3", "d2"], (await Store.QueryAsync(new DecisionQuery { Tenant = tenant, Category = "bags" }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d3", "d2"], (await Store.QueryAsync(new DecisionQuery { Tenant = tenant, From = Utc(2026, 1, 5), To = Utc(2026, 1, 9) }, Ct)).Select(d => d.DecisionId));
        Assert.Equal(["d3"], (await Store.QueryAsync(new DecisionQuery { Tenant = tenant, Limit = 1, Offset = 1 }, Ct)).Select(d => d.DecisionId));
        Assert.Empty(await Store.QueryAsync(new DecisionQuery { Tenant = tenant, From = Utc(2026, 1, 9), To = Utc(2026, 1, 5) }, Ct));
    }

    [Fact]
    public async Task FiltersAndOffsetApplyBeforeTheLimitAcrossManyDecisions()
    {
        var tenant = new TenantId("acme");
        for (var i = 0; i < 60; i++)
        {
            await Store.SaveAsync(Decision("acme", $"d{i:D2}", Utc(2026, 1, 1).AddHours(i), user: i % 3 == 0 ? "ana" : "bob"), Ct);
        }

        var page = await Store.QueryAsync(new DecisionQuery { Tenant = tenant, UserName = "ana", Offset = 5, Limit = 4 }, Ct);
        var open = await Store.QueryAsync(new DecisionQuery { Tenant = tenant, From = Utc(2026, 1, 3) }, Ct);

        Assert.Equal(["d42", "d39", "d36", "d33"], page.Select(d => d.DecisionId));
        Assert.Equal(60 - 48, open.Count);
        Assert.Equal("d59", open[0].DecisionId);
    }

    [Fact]
    public async Task ASecondSaveOfTheSameIdIsRefusedAndTheFirstDecisionStays()
    {
        await Store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 10)), Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 11)) with { FinalPrice = 1m }, Ct));

        var kept = await Store.GetAsync(new TenantId("acme"), "d1", Ct);
        Assert.Equal((119.00m, Utc(2026, 1, 10)), (kept!.FinalPrice, kept.DecidedAt));
    }

    [Fact]
    public async Task ADecisionMissingARequiredFieldIsRefusedWithItsNameAndNothingIsStored()
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SaveAsync(Decision("acme", "d1", Utc(2026, 1, 10)) with { UserName = " " }, Ct));

        Assert.Equal(nameof(PricingDecision.UserName), error.ParamName);
        Assert.Null(await Store.GetAsync(new TenantId("acme"), "d1", Ct));
        Assert.Empty(await Store.QueryAsync(new DecisionQuery { Tenant = new TenantId("acme") }, Ct));
    }
}
