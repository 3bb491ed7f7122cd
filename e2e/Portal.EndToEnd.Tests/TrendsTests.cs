namespace Portal.EndToEnd.Tests;

[Collection(PortalServerCollection.Name)]
public sealed class TrendsTests(PortalServer server)
{
    private static readonly string[] Panels = ["panel-monthly", "panel-seasonal", "panel-brands", "panel-histogram"];

    [SkippableFact]
    public async Task AManagerSeesEveryTrendChartRendered()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");

        var page = await server.OpenAsAsync("manager@example.com", "/trends");

        foreach (var panel in Panels)
        {
            // ApexCharts draws into svg.apexcharts-svg; the panels also hold icon svgs, which must not count.
            await page.WaitForSelectorAsync($"[data-testid={panel}] svg.apexcharts-svg", new() { Timeout = 30_000 });
        }

        await PortalServer.ScreenshotAsync(page, "trends");
    }

    [SkippableFact]
    public async Task AnAnalystWhoOpensTrendsGetsTheAccessDeniedPage()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");

        var page = await server.OpenAsAsync("analyst@example.com", "/trends");

        await page.WaitForSelectorAsync("[data-testid=access-denied]", new() { Timeout = 30_000 });
        Assert.Empty(await page.QuerySelectorAllAsync("[data-testid=panel-monthly]"));
    }

    [SkippableFact]
    public async Task TheSalesExplorerListsTheTenantsSales()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");

        var page = await server.OpenAsAsync("analyst@example.com", "/sales");

        await page.WaitForSelectorAsync("table tbody tr img", new() { Timeout = 30_000 });
        await PortalServer.ScreenshotAsync(page, "sales");
    }
}
