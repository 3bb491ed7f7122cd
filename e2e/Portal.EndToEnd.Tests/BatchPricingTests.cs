using System.IO.Compression;
using System.Text;
using Microsoft.Playwright;

namespace Portal.EndToEnd.Tests;

[Collection(PortalServerCollection.Name)]
public sealed class BatchPricingTests(PortalServer server)
{
    [SkippableFact]
    public async Task AnAnalystUploadsACsvWithAZipAndSeesTheGridWithTheBadRowReported()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");
        Skip.If(RealPhotos.ClothingSmall is null, RealPhotos.MissingDatasetMessage);
        var csv = "image,category,condition,brand,title\ndress.jpg,dress,very_good,,Summer dress\nshoes.jpg,shoes,good,,\nhat.jpg,hat,good,,\nmissing.jpg,dress,good,,\n";
        var zip = Zip(("dress.jpg", RealPhotos.Unseen("dress")), ("shoes.jpg", RealPhotos.Unseen("shoes")), ("hat.jpg", RealPhotos.Unseen("hat")));
        var page = await server.OpenAsAsync("analyst@example.com", "/batches");

        await page.SetInputFilesAsync("[data-testid=csv-input]", new FilePayload { Name = "items.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.SetInputFilesAsync("[data-testid=zip-input]", new FilePayload { Name = "photos.zip", MimeType = "application/zip", Buffer = zip });
        await page.ClickAsync("[data-testid=batch-submit]");

        await page.WaitForURLAsync("**/batches/*", new PageWaitForURLOptions { Timeout = 30_000 });
        await PortalServer.WaitForCircuitAsync(page);
        await page.WaitForSelectorAsync("[data-testid=batch-status]:has-text('Completed')", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var rows = page.Locator("[data-testid=batch-row]");
        Assert.Equal(4, await rows.CountAsync());
        Assert.Equal(3, await page.Locator("[data-testid=row-price]").CountAsync());
        Assert.Contains("'missing.jpg' is not in the zip.", await page.InnerTextAsync("[data-testid=batch-row][data-line='5']"));
        Assert.Equal(3, await page.Locator("[data-testid=batch-row] img").CountAsync());
        await PortalServer.ScreenshotAsync(page, "batch-grid");

        await page.Locator("[data-testid=row-open]").First.ClickAsync();
        await page.WaitForURLAsync("**/price?batch=*");
        await page.WaitForSelectorAsync("[data-testid=photo-preview]");
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        return buffer.ToArray();
    }
}
