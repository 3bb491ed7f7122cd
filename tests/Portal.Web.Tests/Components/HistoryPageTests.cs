using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Images;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;
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
        Services.AddSingleton<IImageStore>(new FakeImageStore());
        SignIn("demo", PortalRoles.Analyst);
    }

    [Fact]
    public async Task EachDecisionShowsItsPhotoTitleLinkConfidenceVerdictAndFallback()
    {
        await _decisions.SaveAsync(Decision("demo", "d1", "p1", suggested: 100m, final: 95m, Monday) with
        {
            ImageKeys = ["demo/ab/first.jpg", "demo/cd/second.jpg"],
            Confidence = 0.734,
            Verdict = new Verdict(VerdictLevel.Weak, "Weak match: only 2 look-alikes found — check before accepting"),
            Fallback = "widened_window",
        }, default);
        // A decision saved before verdicts were kept, whose photo key names another tenant: no verdict, no photo.
        await _decisions.SaveAsync(Decision("demo", "d0", "p0", suggested: 50m, final: 50m, Monday.AddDays(-1)) with
        {
            ImageKeys = ["other/ab/theirs.jpg"],
        }, default);

        var page = Render<History>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=history-table] tbody tr").Count));
        var rows = page.FindAll("[data-testid=history-table] tbody tr");
        Assert.Equal("/images/demo/ab/first.jpg", rows[0].QuerySelector("[data-testid=thumbnail]")!.GetAttribute("src"));
        var link = rows[0].QuerySelector("[data-testid=decision-link]")!;
        Assert.Equal("Title of d1", link.TextContent.Trim());
        Assert.Equal("/history/d1", link.GetAttribute("href"));
        Assert.Equal("73 %", rows[0].QuerySelector("[data-testid=confidence]")!.TextContent.Trim());
        Assert.Equal("Weak", rows[0].QuerySelector("[data-testid=verdict]")!.TextContent.Trim());
        Assert.Equal("weak", rows[0].QuerySelector("[data-testid=verdict]")!.GetAttribute("data-level"));
        Assert.Equal("widened window", rows[0].QuerySelector("[data-testid=fallback]")!.TextContent.Trim());
        Assert.Null(rows[1].QuerySelector("[data-testid=thumbnail]"));
        Assert.DoesNotContain("/images/other/", page.Markup);
        Assert.Equal("—", rows[1].QuerySelector("[data-testid=verdict]")!.TextContent.Trim());
        Assert.Equal("—", rows[1].QuerySelector("[data-testid=fallback]")!.TextContent.Trim());
    }

    [Fact]
    public async Task PagesThroughTheStoreTwentyFiveDecisionsAtATime()
    {
        for (var i = 0; i < 30; i++)
        {
            await _decisions.SaveAsync(Decision("demo", $"d{i:D2}", null, suggested: 10m, final: 10m, Monday.AddHours(i)), default);
        }

        var page = Render<History>();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=history-table] tbody tr").Count));
        Assert.Equal("1–25 of 30", page.Find("[data-testid=history-page]").TextContent.Trim());
        Assert.Contains("Title of d29", page.FindAll("[data-testid=history-table] tbody tr")[0].TextContent);
        Assert.Equal((25, 0), (_decisions.Queries[^1].Limit, _decisions.Queries[^1].Offset));
        Assert.Equal("Newer decisions", page.Find("[data-testid=history-newer]").GetAttribute("aria-label"));
        Assert.Equal("Older decisions", page.Find("[data-testid=history-older]").GetAttribute("aria-label"));

        page.Find("[data-testid=history-older]").Click();

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=history-table] tbody tr").Count));
        Assert.Equal("26–30 of 30", page.Find("[data-testid=history-page]").TextContent.Trim());
        Assert.Equal((25, 25), (_decisions.Queries[^1].Limit, _decisions.Queries[^1].Offset));
        Assert.Contains("Title of d04", page.FindAll("[data-testid=history-table] tbody tr")[0].TextContent);
        Assert.True(page.Find("[data-testid=history-older]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnAnalystSeesHowFarTheirOwnPricesWereFromWhatSoldPerMonthHighlighted()
    {
        const string me = "analyst@example.com";
        await _decisions.SaveAsync(Decision("demo", "a1", "p1", suggested: 100m, final: 110m, Monday, user: me), default);
        await _decisions.SaveAsync(Decision("demo", "a2", "p2", suggested: 100m, final: 80m, Monday.AddDays(1), user: me), default);
        await _decisions.SaveAsync(Decision("demo", "a3", null, suggested: 100m, final: 100m, Monday.AddDays(2), user: me), default);
        await _decisions.SaveAsync(Decision("demo", "b1", "p3", suggested: 100m, final: 100m, Monday, user: "bob@example.com"), default);
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s1", "p1", 100m, Monday.AddDays(5)));
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s2", "p2", 100m, Monday.AddDays(5)));
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s3", "p3", 100m, Monday.AddDays(5)));

        var page = Render<History>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=analyst-row]")));
        var row = page.Find("[data-testid=analyst-row]");
        Assert.Equal("true", row.GetAttribute("data-own"));
        Assert.Contains("history-own-row", row.ClassName);
        Assert.Contains("(you)", row.TextContent);
        Assert.Contains("2026-03", row.TextContent);
        Assert.Equal("2", row.QuerySelector("[data-testid=analyst-matched]")!.TextContent.Trim());
        Assert.Equal("15.0 %", row.QuerySelector("[data-testid=analyst-final-mdape]")!.TextContent.Trim());
        Assert.Equal("0.0 %", row.QuerySelector("[data-testid=analyst-suggested-mdape]")!.TextContent.Trim());
        Assert.Equal("50.0 %", row.QuerySelector("[data-testid=analyst-within-10]")!.TextContent.Trim());
        Assert.Equal("100.0 %", row.QuerySelector("[data-testid=analyst-within-25]")!.TextContent.Trim());
        Assert.DoesNotContain("bob@example.com", page.Find("[data-testid=analyst-accuracy]").TextContent);
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

public sealed class HistoryForManagersTests : PortalComponentTest
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AManagerSeesEveryAnalystOfTheirTenantWithTheirOwnRowHighlighted()
    {
        var decisions = new InMemoryPricingDecisionStore();
        var sales = new RecordingSalesStore();
        Services.AddSingleton<IPricingDecisionStore>(decisions);
        Services.AddSingleton<ISalesStore>(sales);
        Services.AddSingleton<IImageStore>(new FakeImageStore());
        SignIn("demo", PortalRoles.Manager);
        await decisions.SaveAsync(Decision("demo", "m1", "p1", suggested: 100m, final: 100m, Monday, user: "manager@example.com"), default);
        await decisions.SaveAsync(Decision("demo", "b1", "p2", suggested: 100m, final: 130m, Monday, user: "bob@example.com"), default);
        await decisions.SaveAsync(Decision("demo", "b2", "p3", suggested: 100m, final: 100m, Monday.AddMonths(-1), user: "bob@example.com"), default);
        await decisions.SaveAsync(Decision("other", "x1", "p1", suggested: 1m, final: 1m, Monday, user: "eve@example.com"), default);
        sales.Sales.Add(RecordingSalesStore.Sale("demo", "s1", "p1", 100m, Monday.AddDays(3)));
        sales.Sales.Add(RecordingSalesStore.Sale("demo", "s2", "p2", 100m, Monday.AddDays(3)));

        var page = Render<History>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=analyst-row]").Count));
        var rows = page.FindAll("[data-testid=analyst-row]");
        // Newest month first, then by analyst.
        Assert.Equal(
            ["2026-03 bob@example.com false", "2026-03 manager@example.com true", "2026-02 bob@example.com false"],
            rows.Select(r => $"{r.Children[0].TextContent.Trim()} {r.Children[1].TextContent.Replace("(you)", "").Trim()} {r.GetAttribute("data-own")}"));
        Assert.Equal("30.0 %", rows[0].QuerySelector("[data-testid=analyst-final-mdape]")!.TextContent.Trim());
        Assert.Equal("0.0 %", rows[0].QuerySelector("[data-testid=analyst-within-25]")!.TextContent.Trim());
        Assert.Equal("—", rows[2].QuerySelector("[data-testid=analyst-final-mdape]")!.TextContent.Trim());
        Assert.DoesNotContain("eve@example.com", page.Markup);
    }
}

public sealed class HistoryWithoutDecisionStoreTests : PortalComponentTest
{
    [Fact]
    public void SaysSoWhenNoDecisionStoreIsRegistered()
    {
        Services.AddSingleton<ISalesStore>(new RecordingSalesStore());
        Services.AddSingleton<IImageStore>(new FakeImageStore());
        SignIn("demo", PortalRoles.Analyst);

        var page = Render<History>();

        Assert.NotNull(page.Find("[data-testid=history-unavailable]"));
    }
}
