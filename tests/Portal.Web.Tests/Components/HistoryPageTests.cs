using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.History;
using Portal.Web.Identity;
using Portal.Web.Tests.Fakes;
using static Portal.Web.Tests.Fakes.InMemoryPricingDecisionStore;

namespace Portal.Web.Tests.Components;

public sealed class HistoryPageTests : PortalComponentTest
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPricingDecisionStore _decisions = new();
    private readonly RecordingSalesStore _sales = new();

    public HistoryPageTests()
    {
        Services.AddSingleton<IPricingDecisionStore>(_decisions);
        Services.AddSingleton<ISalesStore>(_sales);
        SignIn("demo", PortalRoles.Analyst);
    }

    [Fact]
    public void ShowsAnEmptyTableWhenThereAreNoDecisions()
    {
        var page = Render<History>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=history-empty]")));
        Assert.Equal("–", page.Find("[data-testid=history-mdape]").TextContent.Trim());
    }

    [Fact]
    public async Task ShowsSuggestedFinalAndTheSoldPriceOfTheSameProductWithTheError()
    {
        await _decisions.SaveAsync(Decision("demo", "d1", "p1", suggested: 100m, final: 95m, Monday), default);
        await _decisions.SaveAsync(Decision("demo", "d2", "p2", suggested: 50m, final: 50m, Monday.AddDays(1)), default);
        await _decisions.SaveAsync(Decision("other", "d3", "p1", suggested: 999m, final: 999m, Monday), default);
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s1", "p1", 80m, Monday.AddDays(3)));
        _sales.Sales.Add(RecordingSalesStore.Sale("other", "s9", "p2", 10m, Monday.AddDays(3)));

        var page = Render<History>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=history-table] tbody tr").Count));
        var rows = page.FindAll("[data-testid=history-table] tbody tr");
        // Newest first: d2 (not sold: the other tenant's sale of p2 does not count), then d1.
        Assert.Contains("not sold", rows[0].QuerySelector("[data-testid=sold]")!.TextContent);
        Assert.Contains("80.00 SGD", rows[1].QuerySelector("[data-testid=sold]")!.TextContent);
        Assert.Contains("100.00 SGD", rows[1].QuerySelector("[data-testid=suggested]")!.TextContent);
        Assert.Contains("95.00 SGD", rows[1].QuerySelector("[data-testid=final]")!.TextContent);
        Assert.Contains("25.0", rows[1].QuerySelector("[data-testid=error]")!.TextContent);
        Assert.Contains("25.0", page.Find("[data-testid=history-mdape]").TextContent);
        Assert.DoesNotContain("999.00", page.Markup);
        Assert.All(_sales.Queries, q => Assert.Equal("demo", q.Tenant.Value));
    }

    [Fact]
    public async Task ASaleBeforeTheDecisionIsNotItsOutcome()
    {
        await _decisions.SaveAsync(Decision("demo", "d1", "p1", suggested: 100m, final: 100m, Monday), default);
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s0", "p1", 60m, Monday.AddDays(-10)));

        var page = Render<History>();

        page.WaitForAssertion(() => Assert.Contains("not sold", page.Find("[data-testid=sold]").TextContent));
    }

    [Fact]
    public void FiltersGoToTheStoreScopedToTheTenant()
    {
        var page = Render<History>();
        page.WaitForAssertion(() => Assert.NotEmpty(_decisions.Queries));

        var user = page.FindComponents<MudBlazor.MudTextField<string>>().First(f => f.Instance.Label == "User");
        page.InvokeAsync(() => user.Instance.ValueChanged.InvokeAsync("someone@example.com"));
        page.Find("[data-testid=history-apply]").Click();

        page.WaitForAssertion(() => Assert.Equal("someone@example.com", _decisions.Queries[^1].UserName));
        Assert.Equal("demo", _decisions.Queries[^1].Tenant.Value);
    }
}

public sealed class HistoryWithoutDecisionStoreTests : PortalComponentTest
{
    [Fact]
    public void SaysSoWhenNoDecisionStoreIsRegistered()
    {
        Services.AddSingleton<ISalesStore>(new RecordingSalesStore());
        SignIn("demo", PortalRoles.Analyst);

        var page = Render<History>();

        Assert.NotNull(page.Find("[data-testid=history-unavailable]"));
    }
}
