using Bunit;
using Microsoft.AspNetCore.Components;
using Portal.Web.Components.Layout;
using Portal.Web.Identity;
using Portal.Web.Tests.Components;

namespace Portal.Web.Tests.Jobs;

public sealed class JobsNavigationTests : PortalComponentTest
{
    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

    [Theory]
    [InlineData(PortalRoles.Ops, true)]
    [InlineData(PortalRoles.Admin, true)]
    [InlineData(PortalRoles.Analyst, false)]
    [InlineData(PortalRoles.Manager, false)]
    public void TheJobsLinkIsInTheOperationsGroupForOpsAndAdminOnly(string role, bool expected)
    {
        SignIn("demo", role);

        var layout = RenderLayout();

        var links = layout.FindAll("[data-testid=nav-jobs]");
        Assert.Equal(expected, links.Count == 1);
        if (expected)
        {
            Assert.Equal("ops/jobs", links[0].GetAttribute("href"));
        }
    }
}
