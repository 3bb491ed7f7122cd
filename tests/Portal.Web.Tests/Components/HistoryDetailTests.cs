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

public sealed class HistoryDetailTests : PortalComponentTest
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPricingDecisionStore _decisions = new();
    private readonly RecordingSalesStore _sales = new();

    public HistoryDetailTests()
    {
        Services.AddSingleton<IPricingDecisionStore>(_decisions);
        Services.AddSingleton<ISalesStore>(_sales);
        Services.AddSingleton<IImageStore>(new FakeImageStore());
        SignIn("demo", PortalRoles.Analyst);
    }

    [Fact]
    public async Task ShowsThePhotosFieldsSuggestionVerdictFinalPriceExclusionsAndTheSoldPrice()
    {
        await _decisions.SaveAsync(Decision("demo", "d1", "p1", suggested: 100m, final: 92.5m, Monday) with
        {
            Brand = "acme",
            ImageKeys = ["demo/ab/front.jpg", "demo/cd/back.jpg"],
            Confidence = 0.81,
            Verdict = new Verdict(VerdictLevel.Strong, "Strong match: 9 close look-alikes sold in the last 60 days"),
            OverrideReason = "Stain on the sleeve",
            ExcludedSaleIds = ["s-old", "s-gone"],
        }, default);
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s-old", "p-old", 300m, Monday.AddDays(-20)));
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s-sold", "p1", 90m, Monday.AddDays(4)));

        var page = Render<HistoryDetail>(p => p.Add(c => c.DecisionId, "d1"));

        page.WaitForAssertion(() => Assert.Equal("Title of d1", page.Find("[data-testid=decision-title]").TextContent.Trim()));
        Assert.Equal(["/images/demo/ab/front.jpg", "/images/demo/cd/back.jpg"], page.FindAll("[data-testid=decision-photo]").Select(i => i.GetAttribute("src")));
        Assert.All(page.FindAll("[data-testid=decision-photo]"), i => Assert.False(string.IsNullOrWhiteSpace(i.GetAttribute("alt"))));
        Assert.Equal("100.00 SGD", page.Find("[data-testid=detail-suggested]").TextContent.Trim());
        Assert.Equal("80.00 – 120.00 SGD", page.Find("[data-testid=detail-range]").TextContent.Trim());
        Assert.Equal("81 %", page.Find("[data-testid=detail-confidence]").TextContent.Trim());
        Assert.Equal("strong", page.Find("[data-testid=detail-verdict]").GetAttribute("data-level"));
        Assert.Contains("Strong match: 9 close look-alikes sold in the last 60 days", page.Find("[data-testid=detail-verdict]").TextContent);
        Assert.Equal("92.50 SGD", page.Find("[data-testid=detail-final]").TextContent.Trim());
        Assert.Equal("Stain on the sleeve", page.Find("[data-testid=detail-override]").TextContent.Trim());
        Assert.Contains("90.00 SGD", page.Find("[data-testid=detail-sold]").TextContent);
        var excluded = page.FindAll("[data-testid=detail-excluded] li");
        Assert.Equal(2, excluded.Count);
        Assert.Contains("Sold s-old", excluded[0].TextContent);
        Assert.Equal("/sales/s-old", excluded[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("s-gone (no longer in the sales store)", excluded[1].TextContent);
    }

    [Fact]
    public async Task AnUntitledDecisionSavedBeforeVerdictsWereKeptShowsWhatItWasADashAndNotSold()
    {
        await _decisions.SaveAsync(Decision("demo", "d1", null, suggested: 100m, final: 100m, Monday) with { Title = null }, default);

        var page = Render<HistoryDetail>(p => p.Add(c => c.DecisionId, "d1"));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=decision-detail]")));
        // No title and no product id: named by what it was, not by its internal id.
        Assert.Equal("Untitled shoes", page.Find("[data-testid=decision-title]").TextContent.Trim());
        Assert.Equal("—", page.Find("[data-testid=detail-verdict]").TextContent.Trim());
        Assert.Equal("—", page.Find("[data-testid=detail-fallback]").TextContent.Trim());
        Assert.Equal("not sold", page.Find("[data-testid=detail-sold]").TextContent.Trim());
        Assert.NotNull(page.Find("[data-testid=detail-excluded-none]"));
    }

    [Fact]
    public async Task AnotherTenantsDecisionIsNotFound()
    {
        await _decisions.SaveAsync(Decision("other", "theirs", "p9", suggested: 999m, final: 999m, Monday) with
        {
            ImageKeys = ["other/ab/secret.jpg"],
        }, default);

        var page = Render<HistoryDetail>(p => p.Add(c => c.DecisionId, "theirs"));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=decision-not-found]")));
        Assert.DoesNotContain("999", page.Markup);
        Assert.DoesNotContain("Title of theirs", page.Markup);
        Assert.DoesNotContain("/images/other/", page.Markup);
    }
}
