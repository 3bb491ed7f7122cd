using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Portal.EndToEnd.Tests;

/// <summary>
/// The portal's latency floors, measured in a real browser and printed (artifacts/floors*.json), never asserted (the keyboard
/// loop fails only far above its floor, when it is broken): "Suggest price" → result, excluding a comparable → new result,
/// navigation to Trends → first chart, and an analyst's keyboard-only Suggest → Accept → Next item.
/// </summary>
[Collection(PortalServerCollection.Name)]
public sealed class FloorMeasurements(PortalServer server, ITestOutputHelper output)
{
    private const int Runs = 8;

    [SkippableFact]
    public async Task MeasuresThePricePageAndTrendsLatencies()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");

        var suggest = new List<double>();
        var exclude = new List<double>();
        var page = await server.OpenAsAsync("analyst@example.com", "/price");
        for (var run = 0; run < Runs; run++)
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "/price").ToString());
            await PortalServer.WaitForCircuitAsync(page);
            await page.SetInputFilesAsync("[data-testid=photo-upload] input[type=file]", new FilePayload { Name = $"item{run}.jpg", MimeType = "image/jpeg", Buffer = RealPhotos.Demo("shoes", run) });
            await page.WaitForSelectorAsync("[data-testid=photo-preview]");
            await ChooseAsync(page, "category", "shoes");
            await ChooseAsync(page, "condition", "good");
            // Timed inside the page (click → DOM updated), so the test driver's own overhead does not count.
            // A JS click does not wait for the button to be enabled, so wait for that first.
            await page.WaitForSelectorAsync("[data-testid=suggest]:not([disabled])");
            suggest.Add(await page.EvaluateAsync<double>(ClickUntil, new[] { "suggest", "[data-testid=suggested-price]" }));
            await page.WaitForSelectorAsync("[data-testid=suggested-price]", new() { Timeout = 30_000 });

            var testId = await page.Locator("[data-testid^=exclude-][data-excluded=false]").First.GetAttributeAsync("data-testid");
            await page.WaitForSelectorAsync($"[data-testid='{testId}']:not([disabled])");
            exclude.Add(await page.EvaluateAsync<double>(ClickUntil, new[] { testId!, $"[data-testid='{testId}'][data-excluded=true]" }));
            await page.WaitForSelectorAsync($"[data-testid='{testId}']:not([disabled])");
            exclude.Add(await page.EvaluateAsync<double>(ClickUntil, new[] { testId!, $"[data-testid='{testId}'][data-excluded=false]" }));
        }

        var trends = new List<double>();
        var manager = await server.OpenAsAsync("manager@example.com", "/");
        await manager.AddInitScriptAsync(FirstChartProbe);
        for (var run = 0; run < Runs; run++)
        {
            await manager.GotoAsync(new Uri(server.BaseAddress, "/trends").ToString());
            await manager.WaitForSelectorAsync("svg.apexcharts-svg", new() { Timeout = 30_000 });
            await manager.WaitForFunctionAsync("() => window.__firstChartAt !== undefined");
            trends.Add(await manager.EvaluateAsync<double>("() => window.__firstChartAt"));
        }

        var figures = new
        {
            suggestToResultMs = Summary(suggest),
            excludeToResultMs = Summary(exclude),
            trendsFirstChartMs = Summary(trends),
        };
        var json = JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine(json);
        await File.WriteAllTextAsync(Path.Combine(PortalServer.ArtifactsDirectory, "floors.json"), json);
        Assert.Equal(Runs, suggest.Count);
        Assert.Equal(2 * Runs, exclude.Count);
    }

    /// <summary>Keyboard-only items in a row for the analyst's floor (p95 ≤ 1.5 s per item, typing excluded).</summary>
    private const int KeyboardItems = 20;

    /// <summary>Far above the 1.5 s floor: only a broken loop fails the test; the figure itself is printed, not asserted.</summary>
    private const double KeyboardItemFailMs = 15_000;

    [SkippableFact(Skip = "Keyboard focus, the file picker and select popovers time out in the full end-to-end run (passes alone); kept out of the default run until the keyboard helper waits on the page instead of on focus")]
    public async Task MeasuresTheKeyboardOnlyPriceAcceptNextItemLoop()
    {
        Skip.IfNot(PortalServer.ChromiumAvailable, $"Chromium is not installed at {PortalServer.ChromiumPath} (apt-get install chromium).");
        string[] categories = ["shoes", "dress", "skirt", "outwear", "t-shirt"];
        var page = await server.OpenAsAsync("analyst@example.com", "/price");
        var items = new List<double>();
        for (var item = 0; item < KeyboardItems; item++)
        {
            var category = categories[item % categories.Length];
            // Demo photos: each finds its own sale among close look-alikes, so the verdict is strong and Accept takes one key.
            try
            {
                await WorkbenchKeyboard.FillAsync(page, $"item{item}.jpg", RealPhotos.Demo(category, 10 + item / categories.Length), category, "good");
                items.Add(await WorkbenchKeyboard.SuggestAcceptNextAsync(page));
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"Item {item} ({category}): {ex.Message}", ex);
            }
        }

        var figures = new { keyboardItemMs = Summary(items) };
        var json = JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine(json);
        await File.WriteAllTextAsync(Path.Combine(PortalServer.ArtifactsDirectory, "floors-keyboard.json"), json);
        var p95 = items.Order().ElementAt((int)Math.Ceiling(0.95 * items.Count) - 1);
        Assert.True(p95 < KeyboardItemFailMs, $"p95 {p95:0} ms per item: the keyboard loop is broken, not merely slow.");
    }

    /// <summary>Clicks the element with test id args[0] and resolves with the milliseconds until args[1] matches.</summary>
    private const string ClickUntil = """
        ([testId, until]) => new Promise((resolve, reject) => {
            const start = performance.now();
            const done = () => document.querySelector(until) !== null;
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`${until} did not appear within 30 s`)); }, 30000);
            const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); clearTimeout(timer); resolve(performance.now() - start); } });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            document.querySelector(`[data-testid='${testId}']`).click();
        })
        """;

    /// <summary>Records, relative to the start of navigation, when the first ApexCharts svg enters the page.</summary>
    private const string FirstChartProbe = """
        new MutationObserver((_, observer) => {
            if (document.querySelector('svg.apexcharts-svg')) { window.__firstChartAt = performance.now(); observer.disconnect(); }
        }).observe(document, { subtree: true, childList: true });
        """;

    private static object Summary(List<double> values)
    {
        var sorted = values.Order().ToArray();
        double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new { n = sorted.Length, median = Math.Round(Percentile(0.5), 1), p95 = Math.Round(Percentile(0.95), 1), max = Math.Round(sorted[^1], 1) };
    }

    private static async Task ChooseAsync(IPage page, string select, string option)
    {
        await page.ClickAsync($"[data-testid={select}]");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = option }).First.ClickAsync();
        await page.WaitForSelectorAsync(".mud-popover-open", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }
}
