namespace Portal.EndToEnd.Tests;

[Collection(PortalServerCollection.Name)]
public sealed class OverviewTests(PortalServer server)
{
    [SkippableFact]
    public async Task TheOverviewShowsTheDemoTenantAndTheDevelopmentBadge()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");

        var page = await server.OpenAsync("/");

        await page.WaitForSelectorAsync("[data-testid=sales-count]");
        Assert.Equal("demo", (await page.InnerTextAsync("[data-testid=tenant]")).Trim());
        Assert.Contains("development sign-in", await page.ContentAsync());
        Assert.Equal("7,200", (await page.InnerTextAsync("[data-testid=sales-count]")).Trim());
        await PortalServer.ScreenshotAsync(page, "overview");
    }
}
