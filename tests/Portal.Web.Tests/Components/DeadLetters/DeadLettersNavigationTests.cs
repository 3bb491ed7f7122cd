using Bunit;
using Microsoft.AspNetCore.Components;
using Portal.Web.Components.Layout;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components.DeadLetters;

/// <summary>The Dead-letters link sits in the Operations group, shown by the portal's real policies to Ops and Admin only.</summary>
public sealed class DeadLettersNavigationTests : PortalComponentTest
{
    [Theory]
    [InlineData(PortalRoles.Ops, true)]
    [InlineData(PortalRoles.Admin, true)]
    [InlineData(PortalRoles.Manager, false)]
    [InlineData(PortalRoles.Analyst, false)]
    public void TheDeadLettersLinkFollowsTheOperationsPolicy(string role, bool shown)
    {
        SignIn("demo", role);

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        var links = layout.FindAll("[data-testid=nav-dead-letters]");
        Assert.Equal(shown, links.Count == 1);
        if (shown)
        {
            Assert.EndsWith("ops/dead-letters", links[0].GetAttribute("href"), StringComparison.Ordinal);
        }
    }
}
