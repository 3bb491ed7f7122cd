using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.Trends;

namespace Portal.Web.Tests.Components;

public sealed class TrendsTests : PortalComponentTestBase
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Panels = ["panel-monthly", "panel-seasonal", "panel-brands", "panel-histogram"];
    private readonly ScriptedSalesAnalytics _analytics = new();
    private readonly BunitJSModuleInterop _module;

    public TrendsTests()
    {
        Services.AddSingleton<ISalesAnalytics>(_analytics);
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        _module = JSInterop.SetupModule("./js/apexchart.js");
        _module.Setup<int>("render", _ => true).SetResult(1);
        Render<MudBlazor.MudPopoverProvider>();
    }

    [Fact]
    public void ShowsASkeletonInEveryPanelWhileItsQueryRuns()
    {
        var cut = Render<Trends>();

        WaitForPanelQueries(cut);
        foreach (var panel in Panels)
        {
            var root = cut.Find($"[data-testid={panel}]");
            Assert.NotNull(root.QuerySelector("[data-testid=loading]"));
            Assert.Null(root.QuerySelector("[data-testid=query-time]"));
            Assert.True(root.QuerySelector("[data-testid=export-csv]")!.HasAttribute("disabled"));
        }
    }

    [Fact]
    public void QueriesTheSignedInTenantWithTheDefaultTwentyFourMonths()
    {
        var cut = Render<Trends>();

        WaitForPanelQueries(cut);
        Assert.All(_analytics.Calls, c => Assert.Equal(new TenantId(TenantValue), c.Tenant));
        var filter = _analytics.Calls.First(c => c.Query == "monthly").Filter!;
        Assert.Equal(new AnalyticsFilter(null, null, new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero)), filter);
    }

    [Fact]
    public void ShowsEachPanelsRowsAndQueryTimeWhenItsQueryCompletes()
    {
        var cut = Render<Trends>();
        WaitForPanelQueries(cut);

        _analytics.Monthly.SetResult([new(2025, 1, "bags", 120.5, 10), new(2025, 2, "bags", 130, 12), new(2025, 2, "dresses", 40, 8)]);
        cut.WaitForAssertion(() => Assert.Equal("2 months · 2 categories · 30 sales", Panel(cut, "panel-monthly").QuerySelector("[data-testid=summary]")!.TextContent.Trim()));
        Assert.NotNull(Panel(cut, "panel-monthly").QuerySelector("[data-testid=query-time]"));
        Assert.NotNull(Panel(cut, "panel-seasonal").QuerySelector("[data-testid=loading]"));

        _analytics.Brands.SetResult([new("gucci", 850, 800, 14), new("zara", 35.25, 30, 120)]);
        _analytics.Seasonal.SetResult([new("bags", "Q1", 0.9, 40), new("bags", "Q4", 1.2, 50)]);
        _analytics.Histogram.SetResult([new(0, 50, 70), new(50, 100, 30)]);

        cut.WaitForAssertion(() =>
        {
            var rows = Panel(cut, "panel-brands").QuerySelectorAll("[data-testid=brand-table] tbody tr");
            Assert.Equal(2, rows.Length);
            Assert.Equal(["gucci", "850.00", "800.00", "14"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
            Assert.All(Panels, p => Assert.Null(Panel(cut, p).QuerySelector("[data-testid=loading]")));
        });
        Assert.Equal("Highest: bags in Q4 (1.20) · lowest: bags in Q1 (0.90)", Panel(cut, "panel-seasonal").QuerySelector("[data-testid=summary]")!.TextContent.Trim());
        Assert.Equal("100 sales from 0.00 to 100.00", Panel(cut, "panel-histogram").QuerySelector("[data-testid=summary]")!.TextContent.Trim());
        cut.WaitForAssertion(() => Assert.Contains(_module.Invocations["render"], i => ((string)i.Arguments[1]!).Contains("\"gucci\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void ShowsTheEmptyStateWhenNoSalesMatch()
    {
        var cut = Render<Trends>();
        WaitForPanelQueries(cut);

        _analytics.Histogram.SetResult([]);

        cut.WaitForAssertion(() => Assert.NotNull(Panel(cut, "panel-histogram").QuerySelector("[data-testid=empty]")));
        Assert.True(Panel(cut, "panel-histogram").QuerySelector("[data-testid=export-csv]")!.HasAttribute("disabled"));
        Assert.Null(Panel(cut, "panel-histogram").QuerySelector("[data-testid=error]"));
    }

    [Fact]
    public void ShowsTheErrorStateWhenAQueryFailsAndKeepsTheOtherPanels()
    {
        var cut = Render<Trends>();
        WaitForPanelQueries(cut);

        _analytics.Seasonal.SetException(new InvalidOperationException("DuckDB says no: /secret/path"));
        _analytics.Histogram.SetResult([new(0, 10, 3)]);

        cut.WaitForAssertion(() => Assert.NotNull(Panel(cut, "panel-seasonal").QuerySelector("[data-testid=error]")));
        var error = Panel(cut, "panel-seasonal").QuerySelector("[data-testid=error]")!.TextContent;
        Assert.Contains("The query failed", error, StringComparison.Ordinal);
        Assert.DoesNotContain("/secret/path", error, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.NotNull(Panel(cut, "panel-histogram").QuerySelector("[data-testid=summary]")));
        Assert.NotNull(Panel(cut, "panel-monthly").QuerySelector("[data-testid=loading]"));
    }

    [Fact]
    public void ExportsThePanelsRowsAsCsv()
    {
        var cut = Render<Trends>();
        WaitForPanelQueries(cut);
        _analytics.Brands.SetResult([new("gucci", 850, 800.5, 14), new("Dolce, \"Gabbana\"", 35.25, 30, 120)]);
        cut.WaitForAssertion(() => Assert.False(Panel(cut, "panel-brands").QuerySelector("[data-testid=export-csv]")!.HasAttribute("disabled")));

        cut.Find("[data-testid=panel-brands] [data-testid=export-csv]").Click();

        cut.WaitForAssertion(() => _module.VerifyInvoke("downloadText"));
        var download = _module.VerifyInvoke("downloadText");
        Assert.Equal("brand-performance-20260315-1000.csv", download.Arguments[0]);
        Assert.Equal(
            "brand,avg_price,median_price,total_sales\r\ngucci,850,800.5,14\r\n\"Dolce, \"\"Gabbana\"\"\",35.25,30,120\r\n",
            download.Arguments[2]);
    }

    [Fact]
    public void ARoleWithoutATenantSeesNoData()
    {
        Authorization.SetClaims();

        var cut = Render<Trends>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-tenant]")));
        Assert.Empty(_analytics.Calls);
    }

    /// <summary>
    /// Waits until the four panel queries have reached the port. Polled, not tied to renders: the queries start on the
    /// thread pool and, while their answers are pending, nothing renders again to re-check a bunit WaitForAssertion.
    /// </summary>
    private void WaitForPanelQueries(IRenderedComponent<Trends> cut)
    {
        var arrived = SpinWait.SpinUntil(() => _analytics.Calls.Count(c => c.Filter is not null) == 4, TimeSpan.FromSeconds(10));
        Assert.True(arrived, $"Calls so far: {string.Join(", ", _analytics.Calls.Select(c => c.Query))}");
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid=loading]").Count));
    }

    private static AngleSharp.Dom.IElement Panel(IRenderedComponent<Trends> cut, string testId) => cut.Find($"[data-testid={testId}]");
}
