using Microsoft.Playwright;

namespace Portal.EndToEnd.Tests;

[Collection(PortalServerCollection.Name)]
public sealed class PriceWorkbenchTests(PortalServer server)
{
    [SkippableFact]
    public async Task AnAnalystUploadsAPhotoExcludesAComparableAcceptsAndFindsItInHistory()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");
        Skip.If(RealPhotos.ClothingSmall is null, RealPhotos.MissingDatasetMessage);
        var page = await server.OpenAsAsync("analyst@example.com", "/price");

        await page.SetInputFilesAsync("[data-testid=photo-upload] input[type=file]", new FilePayload { Name = "dress.jpg", MimeType = "image/jpeg", Buffer = RealPhotos.Unseen("dress") });
        await page.WaitForSelectorAsync("[data-testid=photo-preview]");
        await ChooseAsync(page, "category", "dress");
        await ChooseAsync(page, "condition", "very good");
        await page.ClickAsync("[data-testid=suggest]");

        await page.WaitForSelectorAsync("[data-testid=suggested-price]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        // A dress photo the demo never saw still finds look-alike demo dresses.
        Assert.True(await page.Locator("[data-testid^=exclude-]").CountAsync() >= 5, "fewer than five comparables for an unseen dress");
        Assert.EndsWith("EUR", (await page.InnerTextAsync("[data-testid=suggested-price]")).Trim());
        await page.WaitForSelectorAsync("[data-testid=waterfall] svg.apexcharts-svg");
        await PortalServer.ScreenshotAsync(page, "price-result");

        var exclude = page.Locator("[data-testid^=exclude-][data-excluded=false]").First;
        var testId = await exclude.GetAttributeAsync("data-testid");
        await exclude.ClickAsync();
        await page.WaitForSelectorAsync($"[data-testid={testId}][data-excluded=true]");

        await page.ClickAsync("[data-testid=accept]");
        var saved = await page.WaitForSelectorAsync("[data-testid=decision-saved]");
        var finalPrice = (await page.InnerTextAsync("[data-testid=suggested-price]")).Trim();
        await PortalServer.ScreenshotAsync(page, "price-accepted");

        await page.GotoAsync(new Uri(server.BaseAddress, "/history").ToString());
        await PortalServer.WaitForCircuitAsync(page);
        var table = await page.WaitForSelectorAsync("[data-testid=history-table]");
        var rows = await table!.InnerTextAsync();
        Assert.Contains("analyst@example.com", rows);
        Assert.Contains("dress", rows);
        Assert.Contains(finalPrice.Split(' ')[0], rows);
        // The row's photo is the decision's own, served through the tenant-checked image endpoint.
        var thumbnail = page.Locator("[data-testid=history-table] tbody tr").First.Locator("[data-testid=thumbnail]");
        await thumbnail.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-testid=thumbnail]'); return i && i.complete && i.naturalWidth > 0; }");
        await PortalServer.ScreenshotAsync(page, "history");

        await page.Locator("[data-testid=history-table] tbody tr").First.Locator("[data-testid=decision-link]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=decision-detail]");
        Assert.Contains(finalPrice.Split(' ')[0], await page.InnerTextAsync("[data-testid=detail-final]"));
        Assert.NotEqual(string.Empty, await page.GetAttributeAsync("[data-testid=detail-verdict]", "data-level"));
        Assert.True(await page.Locator("[data-testid=decision-photo]").CountAsync() >= 1);
        await PortalServer.ScreenshotAsync(page, "history-decision");
    }

    private static async Task ChooseAsync(IPage page, string select, string option)
    {
        await page.ClickAsync($"[data-testid={select}]");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = option }).First.ClickAsync();
        await page.WaitForSelectorAsync(".mud-popover-open", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }
}
