using System.Diagnostics;
using Microsoft.Playwright;

namespace Portal.EndToEnd.Tests;

/// <summary>The workbench driven by the keyboard alone, as an analyst pricing one item after another does.</summary>
internal static class WorkbenchKeyboard
{
    /// <summary>The data-testid of the element that has the focus (or of its nearest marked ancestor).</summary>
    public static Task<string?> FocusedAsync(IPage page) =>
        page.EvaluateAsync<string?>("() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null");

    /// <summary>Waits until one of <paramref name="testIds"/> has the focus; returns which.</summary>
    public static async Task<string> WaitForFocusAsync(IPage page, params string[] testIds)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "ids => ids.includes(document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid'))", testIds,
                new PageWaitForFunctionOptions { Timeout = 30_000 });
            return (await FocusedAsync(page))!;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The focus did not reach '{string.Join("' or '", testIds)}': {await DescribeAsync(page)}", ex);
        }
    }

    /// <summary>
    /// With the price shown: Enter on Accept; a weak or fallback verdict has put the focus on Override instead, so Shift+Tab
    /// back to Accept, Enter, and Enter again on "Accept anyway". Returns the verdict's level.
    /// </summary>
    public static async Task<string> AcceptAsync(IPage page)
    {
        var focused = await WaitForFocusAsync(page, "accept", "override");
        var level = (await page.GetAttributeAsync("[data-testid=verdict]", "data-level"))!;
        Assert.Equal(level == "strong" ? "accept" : "override", focused);
        if (focused == "override")
        {
            await page.Keyboard.PressAsync("Shift+Tab");
            await WaitForFocusAsync(page, "accept");
            await page.Keyboard.PressAsync("Enter");
            await WaitForFocusAsync(page, "accept-anyway");
        }

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("[data-testid=decision-saved]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        return level;
    }

    /// <summary>Where the focus is and what the page shows, for a failure's message.</summary>
    public static async Task<string> DescribeAsync(IPage page)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalServer.ArtifactsDirectory, "keyboard-failure.png"), FullPage = true });
        return await page.EvaluateAsync<string>(
            "() => `focused: ${document.activeElement?.outerHTML?.slice(0, 200)}; verdict: ${document.querySelector('[data-testid=verdict]')?.textContent?.trim()}; " +
            "error: ${document.querySelector('[data-testid=price-error], [data-testid=photo-errors]')?.textContent?.trim()}`");
    }

    /// <summary>
    /// From the focused drop zone: Enter opens the file picker (<paramref name="throughPicker"/>) and the photo is chosen in
    /// it; otherwise the photo is handed to the zone's file input as the picker would (the picker is the browser's, not the
    /// portal's: Chromium under Playwright does not always report a second picker of the same page). Either way the focus
    /// then moves on to the category.
    /// </summary>
    public static async Task AddPhotoAsync(IPage page, string name, byte[] photo, bool throughPicker)
    {
        await WaitForFocusAsync(page, "drop-zone");
        var payload = new FilePayload { Name = name, MimeType = "image/jpeg", Buffer = photo };
        if (throughPicker)
        {
            // Chromium opens a file picker only for the page in front: other tests' pages share the browser.
            await page.BringToFrontAsync();
            IFileChooser chooser;
            try
            {
                chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Enter"), new() { Timeout = 10_000 });
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"Enter on the drop zone opened no file picker: {await DescribeAsync(page)}", ex);
            }

            await chooser.SetFilesAsync(payload);
        }
        else
        {
            await page.SetInputFilesAsync("[data-testid=photo-upload] input[type=file]", payload);
        }

        await page.WaitForSelectorAsync("[data-testid=photo-preview]");
    }

    /// <summary>On a focused select: Enter opens it, arrows move to <paramref name="option"/>, Enter takes it.</summary>
    public static async Task ChooseAsync(IPage page, string option)
    {
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync(".mud-popover-open .mud-list-item");
        string? highlighted = null;
        for (var i = 0; i < 30 && highlighted != option; i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
            try
            {
                await page.WaitForFunctionAsync(
                    "previous => (document.querySelector('.mud-popover-open .mud-selected-item')?.textContent?.trim() ?? null) !== previous",
                    highlighted, new PageWaitForFunctionOptions { Timeout = 2_000 });
            }
            catch (TimeoutException)
            {
                // The list had not moved yet (a render in flight): the next press moves it on.
            }

            highlighted = await page.EvaluateAsync<string?>("() => document.querySelector('.mud-popover-open .mud-selected-item')?.textContent?.trim() ?? null");
        }

        Assert.Equal(option, highlighted);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync(".mud-popover-open", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }

    /// <summary>Photo → category → condition, then Tab on to Suggest: the typing part of an item, not timed.</summary>
    public static async Task FillAsync(IPage page, string name, byte[] photo, string category, string condition, bool throughPicker = false)
    {
        await AddPhotoAsync(page, name, photo, throughPicker);
        await WaitForFocusAsync(page, "category");
        await ChooseAsync(page, category);
        await page.Keyboard.PressAsync("Tab");
        await WaitForFocusAsync(page, "condition");
        await ChooseAsync(page, condition);
        await page.WaitForSelectorAsync("[data-testid=suggest]:not([disabled])", new() { Timeout = 10_000 });
        for (var i = 0; i < 12 && await FocusedAsync(page) != "suggest"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        if (await FocusedAsync(page) != "suggest")
        {
            Assert.Fail($"Tab did not reach Suggest: {await DescribeAsync(page)}");
        }
    }

    /// <summary>
    /// Suggest → Accept → Next item with Enter, Enter, Alt+N (a weak verdict's confirm step included); returns the milliseconds
    /// from the first key until the next item's drop zone has the focus (the driver's key presses inside), typing excluded.
    /// </summary>
    public static async Task<double> SuggestAcceptNextAsync(IPage page)
    {
        var watch = Stopwatch.StartNew();
        await page.Keyboard.PressAsync("Enter");
        await AcceptAsync(page);
        await WaitForFocusAsync(page, "next-item");
        await page.Keyboard.PressAsync("Alt+n");
        await WaitForFocusAsync(page, "drop-zone");
        await page.WaitForSelectorAsync("[data-testid=photo-preview]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        return watch.Elapsed.TotalMilliseconds;
    }
}
