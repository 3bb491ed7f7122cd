using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Images;
using Portal.Core.Pricing.Batches;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Web.Components.Pages.Batches;
using Portal.Web.Identity;
using Portal.Web.Tests.Fakes;
using static Portal.Web.Tests.Components.Batches.BatchTestRows;

namespace Portal.Web.Tests.Components.Batches;

/// <summary>The batch page over the real SQLite batch and decision stores in a temporary folder.</summary>
public sealed class BatchDetailPageTests : PortalComponentTest, IAsyncLifetime
{
    private static readonly TenantId Demo = new("demo");
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-batch-page-").FullName;
    private readonly SqlitePricingBatchStore _store;
    private readonly SqlitePricingDecisionStore _decisions;
    private readonly FakeTimeProvider _time = new(Now);

    public BatchDetailPageTests()
    {
        _store = new SqlitePricingBatchStore(Path.Combine(_folder, "sales.db"));
        _decisions = new SqlitePricingDecisionStore(Path.Combine(_folder, "sales.db"));
        Services.AddSingleton<IPricingBatchStore>(_store);
        Services.AddSingleton<IPricingDecisionStore>(_decisions);
        Services.AddSingleton<IImageStore>(new FakeImageStore());
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton<BatchDecisions>();
        SignIn("demo", PortalRoles.Analyst);
    }

    private async Task CreateAsync(string id, TenantId tenant, params BatchRow[] rows)
    {
        await _store.CreateAsync(new PricingBatch
        {
            BatchId = id, Tenant = tenant, CreatedBy = "ana@example.com", CreatedAt = Now, Name = "items.csv", Status = BatchStatus.Queued, TotalRows = rows.Length,
        }, rows, default);
    }

    [Fact]
    public async Task ShowsTheGridWeakMatchesFirstWithPriceVerdictAndAWorkbenchLink()
    {
        await CreateAsync("b1", Demo, Strong(2), Weak(3), Refused(4));
        await _store.CompleteAsync(Demo, "b1", Now, default);

        var page = Render<BatchDetailPage>(p => p.Add(x => x.BatchId, "b1"));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=batch-row]").Count));
        var rows = page.FindAll("[data-testid=batch-row]");
        Assert.Equal(["3", "4", "2"], rows.Select(r => r.GetAttribute("data-line")));
        Assert.Equal("Weak match", rows[0].GetAttribute("data-verdict"));
        Assert.Contains("100.30 EUR", rows[0].TextContent);
        Assert.Contains("'photo-4.jpg' is not in the zip.", rows[1].TextContent);
        Assert.Equal("/price?batch=b1&line=3", rows[0].QuerySelector("[data-testid=row-open]")!.GetAttribute("href"));
        Assert.Contains("Completed", page.Find("[data-testid=batch-status]").TextContent);
    }

    [Fact]
    public async Task AcceptingAllStrongMatchesRecordsTheirDecisionsAndDisablesTheButton()
    {
        await CreateAsync("b1", Demo, Strong(2), Strong(3), Weak(4));
        var page = Render<BatchDetailPage>(p => p.Add(x => x.BatchId, "b1"));
        page.WaitForAssertion(() => Assert.Contains("(2)", page.Find("[data-testid=accept-strong]").TextContent));

        page.Find("[data-testid=accept-strong]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=row-decided]").Count));
        Assert.True(page.Find("[data-testid=accept-strong]").HasAttribute("disabled"));
        Assert.Equal(2, (await _decisions.QueryAsync(new DecisionQuery { Tenant = Demo }, default)).Count);
    }

    [Fact]
    public async Task ProgressMovesWhileTheBatchIsPriced()
    {
        await CreateAsync("b1", Demo, Row(2), Row(3));
        var page = Render<BatchDetailPage>(p => p.Add(x => x.BatchId, "b1"));
        page.WaitForAssertion(() => Assert.Contains("0 of 2 done", page.Find("[data-testid=batch-done]").TextContent));

        await _store.SaveOutcomeAsync(Demo, "b1", new BatchRowOutcome(2, BatchRowStatus.Priced, null, BatchTestRows.Price(0.9)), default);
        _time.Advance(TimeSpan.FromSeconds(1));

        page.WaitForAssertion(() => Assert.Contains("1 of 2 done", page.Find("[data-testid=batch-done]").TextContent));
    }

    [Fact]
    public async Task AnotherTenantsBatchIsNotShown()
    {
        await CreateAsync("theirs", new TenantId("other"), Strong(2));

        var page = Render<BatchDetailPage>(p => p.Add(x => x.BatchId, "theirs"));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=batch-not-found]")));
        Assert.Empty(page.FindAll("[data-testid=batch-row]"));
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _store.Dispose();
        _decisions.Dispose();
        DemoPortal.DeleteDataDirectory(_folder);
    }
}
