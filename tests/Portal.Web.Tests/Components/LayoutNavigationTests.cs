using Bunit;
using Microsoft.AspNetCore.Components;
using Portal.Web.Components.Layout;
using Portal.Web.Components.Pages.Account;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components;

public sealed class LayoutNavigationTests : PortalComponentTest
{
    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

    private static bool Has(IRenderedComponent<MainLayout> layout, string testId) => layout.FindAll($"[data-testid={testId}]").Count > 0;

    [Fact]
    public void AnAnalystSeesPriceHistoryAndSalesButNotTrendsOrOperations()
    {
        SignIn("demo", PortalRoles.Analyst);

        var layout = RenderLayout();

        Assert.True(Has(layout, "nav-price"));
        Assert.True(Has(layout, "nav-history"));
        Assert.True(Has(layout, "nav-sales"));
        Assert.False(Has(layout, "nav-trends"));
        Assert.False(Has(layout, "nav-sync"));
        Assert.False(Has(layout, "nav-validation"));
        Assert.Contains("page body", layout.Markup);
    }

    [Fact]
    public void AManagerAlsoSeesTrends()
    {
        SignIn("demo", PortalRoles.Manager);

        var layout = RenderLayout();

        Assert.True(Has(layout, "nav-trends"));
        Assert.True(Has(layout, "nav-history"));
        Assert.False(Has(layout, "nav-sync"));
    }

    [Fact]
    public void OpsSeesSyncValidationAndSalesButNotPricing()
    {
        SignIn("demo", PortalRoles.Ops);

        var layout = RenderLayout();

        Assert.True(Has(layout, "nav-sync"));
        Assert.True(Has(layout, "nav-validation"));
        Assert.True(Has(layout, "nav-sales"));
        Assert.False(Has(layout, "nav-price"));
        Assert.False(Has(layout, "nav-history"));
        Assert.False(Has(layout, "nav-trends"));
    }

    [Fact]
    public void AnAdminSeesEverything()
    {
        SignIn("demo", PortalRoles.Admin);

        var layout = RenderLayout();

        foreach (var id in new[] { "nav-price", "nav-history", "nav-sales", "nav-trends", "nav-sync", "nav-validation" })
        {
            Assert.True(Has(layout, id), id);
        }
    }

    [Fact]
    public void ShowsTheTenantChipTheUserAndTheCircuitMarker()
    {
        SignIn("demo", PortalRoles.Analyst);

        var layout = RenderLayout();

        Assert.Contains("demo", layout.Find("[data-testid=tenant]").TextContent);
        Assert.Contains("Test User", layout.Find("[data-testid=user]").TextContent);
        Assert.NotNull(layout.Find("#circuit-ready"));
    }

    [Fact]
    public void AUserWithoutATenantSeesTheNoTenantMessageInsteadOfThePage()
    {
        SignIn(tenant: null, PortalRoles.Analyst);

        var layout = RenderLayout();

        Assert.NotNull(layout.Find("[data-testid=no-tenant]"));
        Assert.DoesNotContain("page body", layout.Markup);
        Assert.False(Has(layout, "nav-sales"));
    }

    [Fact]
    public void TheAccessDeniedPageExplainsTheMissingRole()
    {
        SignIn("demo", PortalRoles.Ops);

        var page = Render<AccessDenied>();

        Assert.Contains("Access denied", page.Find("[data-testid=access-denied]").TextContent);
        Assert.Contains("role", page.Markup);
    }
}
