using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Portal.EndToEnd.Tests;

[Collection(PortalServerCollection.Name)]
public sealed class OpsTests(PortalServer server)
{
    /// <summary>When set, the scenario also saves the README's ops screenshots (1280×800) into this folder.</summary>
    public const string ScreenshotsVariable = "PORTAL_SCREENSHOTS_DIR";

    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

    [SkippableFact]
    public async Task OpsSendsABadEventSeesItDeadLetteredRedrivesAGoodOneAndRunsValidation()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");
        await using var images = await FlakyImageHost.StartAsync();
        var page = await server.OpenAsAsync("ops@example.com", "/ops/sync");
        await page.SetViewportSizeAsync(1280, 800);
        var api = page.Context.APIRequest;

        // A few good events first, so the sync chart has something to show.
        for (var i = 0; i < 3; i++)
        {
            var productId = $"p-e2e-{RunId}-{i}";
            Assert.Equal("accepted", Single(await EventExamples.PostAsync(api, server.BaseAddress, EventExamples.Listed(productId))).GetProperty("status").GetString());
            Assert.Equal("accepted", Single(await EventExamples.PostAsync(api, server.BaseAddress, Sold(productId, imageUrl: null))).GetProperty("status").GetString());
        }

        // The malformed one: rejected at once with its reason, through the signed-in browser's cookie.
        var malformed = Sold($"p-e2e-{RunId}-bad", imageUrl: null);
        malformed["detail"]!["soldPrice"] = -5;
        var rejected = Single(await EventExamples.PostAsync(api, server.BaseAddress, malformed));
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        var reason = rejected.GetProperty("reasons")[0];
        Assert.Equal("detail.soldPrice", reason.GetProperty("path").GetString());
        var malformedId = malformed["id"]!.GetValue<string>();

        // The good one whose photo host is down: retried, then dead-lettered as RetriesExhausted.
        var goodProduct = $"p-e2e-{RunId}-photo";
        Assert.Equal("accepted", Single(await EventExamples.PostAsync(api, server.BaseAddress, EventExamples.Listed(goodProduct))).GetProperty("status").GetString());
        var good = Sold(goodProduct, imageUrl: images.PhotoUrl);
        var failed = Single(await EventExamples.PostAsync(api, server.BaseAddress, good));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.True(images.Requests > 1, $"The photo host was asked {images.Requests} time(s); a 503 is retried.");
        var goodId = good["id"]!.GetValue<string>();
        var soldMonth = good["time"]!.GetValue<string>()[..7];

        // The sync page counts them by outcome (a fresh load, rather than waiting for its refresh tick).
        await page.GotoAsync(new Uri(server.BaseAddress, "/ops/sync").ToString());
        await PortalServer.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=events-by-outcome]")).ToContainTextAsync("7 accepted");
        await Assertions.Expect(page.Locator("[data-testid=events-by-outcome]")).ToContainTextAsync("1 rejected");
        await Assertions.Expect(page.Locator("[data-testid=events-by-outcome]")).ToContainTextAsync("1 failed");
        await ScreenshotForReadmeAsync(page, "ops-sync", "[data-testid=sync-chart] svg.apexcharts-svg path.apexcharts-bar-area:visible");

        await page.GotoAsync(new Uri(server.BaseAddress, "/ops/dead-letters").ToString());
        await PortalServer.WaitForCircuitAsync(page);
        var malformedRow = page.Locator("[data-testid=dead-letters] tbody tr").Filter(new() { Has = page.Locator($"[data-testid=event-id]:text-is('{malformedId}')") });
        var goodRow = page.Locator("[data-testid=dead-letters] tbody tr").Filter(new() { Has = page.Locator($"[data-testid=event-id]:text-is('{goodId}')") });
        await Assertions.Expect(malformedRow.Locator("[data-testid=category]")).ToHaveTextAsync("Schema");
        await Assertions.Expect(malformedRow.Locator("[data-testid=reason]")).ToContainTextAsync("soldPrice");
        await Assertions.Expect(malformedRow.Locator("[data-testid=status]")).ToContainTextAsync("Pending");
        await Assertions.Expect(goodRow.Locator("[data-testid=category]")).ToHaveTextAsync("RetriesExhausted");
        await Assertions.Expect(goodRow.Locator("[data-testid=reason]")).ToContainTextAsync("503");
        // The letters table (reason, event id, actions) needs a little more width than the other pages to read well.
        await page.SetViewportSizeAsync(1440, 900);
        await ScreenshotForReadmeAsync(page, "ops-dead-letters", "[data-testid=dead-letters] tbody tr [data-testid=category]");
        await page.SetViewportSizeAsync(1280, 800);

        // The host recovers; ops redrives the good letter only.
        images.Recover();
        await goodRow.Locator("[data-testid=redrive]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=redrive-result]")).ToContainTextAsync("redriven, new outcome accepted");
        await Assertions.Expect(goodRow).ToHaveCountAsync(0); // the list shows pending letters by default
        await Assertions.Expect(malformedRow.Locator("[data-testid=status]")).ToContainTextAsync("Pending");
        await Assertions.Expect(malformedRow.Locator("[data-testid=redrive]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=status-redriven]");
        await Assertions.Expect(goodRow.Locator("[data-testid=status]")).ToContainTextAsync("Redriven");
        await Assertions.Expect(malformedRow).ToHaveCountAsync(0);

        // "Run now" for validation, then the report with its per-partition counts.
        await page.GotoAsync(new Uri(server.BaseAddress, "/ops/validation").ToString());
        await PortalServer.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=validation-run-now]");
        await Assertions.Expect(page.Locator("[data-testid=validation-run-done]")).ToContainTextAsync("Validation finished", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=validation-run]").First).ToContainTextAsync("Succeeded");
        await page.ClickAsync("[data-testid=validation-run-now-link]");
        var partitions = page.Locator("[data-testid=partition-row]");
        await Assertions.Expect(partitions.First).ToBeVisibleAsync();
        await ScreenshotForReadmeAsync(page, "ops-validation", "[data-testid=partition-row]");
        var names = await partitions.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.partition)");
        Assert.All(names, name => Assert.StartsWith("demo/", name, StringComparison.Ordinal));
        // The month of the sales sent above is among them, with its store and lake counts.
        var thisMonth = page.Locator($"[data-testid=partition-row][data-partition='demo/{soldMonth}']");
        Assert.True(Count(await thisMonth.Locator("[data-testid=store-count]").InnerTextAsync()) >= 4, "The four sales sent above are counted in the store.");
        await Assertions.Expect(thisMonth.Locator("[data-testid=lake-count]")).ToHaveTextAsync(new Regex(@"^\s*\d[\d,]*\s*$"));

        await page.GotoAsync(new Uri(server.BaseAddress, "/ops/jobs").ToString());
        await PortalServer.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=job-validation] [data-testid=trigger]").First).ToContainTextAsync("Run now by ops@example.com");
        await ScreenshotForReadmeAsync(page, "ops-jobs", "[data-testid=job-validation] [data-testid=status]");
    }

    private static long Count(string text) => long.Parse(text.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static JsonElement Single(JsonElement response) => Assert.Single(response.GetProperty("events").EnumerateArray());

    private static JsonNode Sold(string productId, string? imageUrl)
    {
        var envelope = EventExamples.Example("product.sold");
        var detail = envelope["detail"]!.AsObject();
        detail["productId"] = productId;
        detail["saleId"] = $"s-{productId}";
        detail["soldAt"] = envelope["time"]!.GetValue<string>();
        detail.Remove("imageKey");
        if (imageUrl is not null)
        {
            detail["imageUrl"] = imageUrl;
        }

        return envelope;
    }

    /// <summary>Saves the page as a README screenshot when <see cref="ScreenshotsVariable"/> is set, once it shows <paramref name="readySelector"/>.</summary>
    private static async Task ScreenshotForReadmeAsync(IPage page, string name, string readySelector)
    {
        await page.Locator(readySelector).First.WaitForAsync();
        if (Environment.GetEnvironmentVariable(ScreenshotsVariable) is not { Length: > 0 } directory)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png") });
    }

    /// <summary>A loopback image host in the test process: answers 503 until <see cref="Recover"/>, then a real photo (a demo shoe).</summary>
    private sealed class FlakyImageHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly byte[] _photo = RealPhotos.Demo("shoes", 1);
        private volatile bool _healthy;
        private int _requests;

        private FlakyImageHost(WebApplication app) => _app = app;

        public string PhotoUrl { get; private set; } = "";

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<FlakyImageHost> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var host = new FlakyImageHost(app);
            app.MapGet("/photos/{name}", (string name) =>
            {
                Interlocked.Increment(ref host._requests);
                return host._healthy ? Results.Bytes(host._photo, "image/jpeg") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            host.PhotoUrl = $"{address}/photos/{RunId}.jpg";
            return host;
        }

        public void Recover() => _healthy = true;

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
