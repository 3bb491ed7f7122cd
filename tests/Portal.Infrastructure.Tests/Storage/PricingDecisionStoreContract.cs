using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
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
            Brand = null, Title = null, ProductId = null, OverrideReason = null, Fallback = null, ExcludedSaleIds = [],
        };
        await Store.SaveAsync(decision, Ct);

        var read = await Store.GetAsync(decision.Tenant, "d1", Ct);

        Assert.NotNull(read);
        Assert.Null(read.OverrideReason);
        Assert.Null(read.Brand);
        Assert.Empty(read.ExcludedSaleIds);
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
