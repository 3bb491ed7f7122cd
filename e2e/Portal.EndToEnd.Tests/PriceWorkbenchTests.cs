using Microsoft.Playwright;
using SkiaSharp;

namespace Portal.EndToEnd.Tests;

[Collection(PortalServerCollection.Name)]
public sealed class PriceWorkbenchTests(PortalServer server)
{
    [SkippableFact]
    public async Task AnAnalystUploadsAPhotoExcludesAComparableAcceptsAndFindsItInHistory()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");
        var page = await server.OpenAsAsync("analyst@example.com", "/price");

        await page.SetInputFilesAsync("[data-testid=photo-upload] input[type=file]", new FilePayload { Name = "bag.jpg", MimeType = "image/jpeg", Buffer = Jpeg() });
        await page.WaitForSelectorAsync("[data-testid=photo-preview]");
        await ChooseAsync(page, "category", "bags");
        await ChooseAsync(page, "condition", "very good");
        await page.ClickAsync("[data-testid=suggest]");

        await page.WaitForSelectorAsync("[data-testid=suggested-price]", new PageWaitForSelectorOptions { Timeout = 30_000 });
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
        Assert.Contains("bags", rows);
        Assert.Contains(finalPrice.Split(' ')[0], rows);
        await PortalServer.ScreenshotAsync(page, "history");
    }

    private static async Task ChooseAsync(IPage page, string select, string option)
    {
        await page.ClickAsync($"[data-testid={select}]");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = option }).First.ClickAsync();
        await page.WaitForSelectorAsync(".mud-popover-open", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }

    private static byte[] Jpeg()
    {
        using var bitmap = new SKBitmap(320, 320);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.SaddleBrown, IsAntialias = true };
            canvas.DrawRect(60, 120, 200, 130, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
