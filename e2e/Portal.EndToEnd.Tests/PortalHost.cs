using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Portal.EndToEnd.Tests;

/// <summary>
/// The real portal on a loopback port (Kestrel) and Debian's Chromium driven by Playwright; a subclass says how the portal is
/// configured. Browsers are never downloaded: Chromium is launched by path.
/// </summary>
public abstract class PortalHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-e2e-").FullName;
    private PortalFactory? _factory;
    private IPlaywright? _playwright;

    public static bool ChromiumAvailable => File.Exists(ChromiumPath);

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ArtifactsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        if (!ChromiumAvailable)
        {
            return;
        }

        await BeforeStartAsync();
        _factory = new PortalFactory(this);
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));

        using var client = new HttpClient { BaseAddress = BaseAddress };
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            // 503 while the index loads; the body says which check is not healthy yet.
            using var response = await client.GetAsync("/health/ready");
            var text = await response.Content.ReadAsStringAsync();
            var body = JsonSerializer.Deserialize<JsonElement>(text);
            if (body.GetProperty("status").GetString() == "Healthy")
            {
                break;
            }

            if (DateTime.UtcNow > deadline || text.Contains("failed", StringComparison.OrdinalIgnoreCase))
            {
                throw new TimeoutException("The portal did not become ready within 4 minutes: " + text);
            }

            await Task.Delay(250);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        Directory.CreateDirectory(ArtifactsDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await AfterStopAsync();

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be held for a moment; it is in the temp directory anyway.
        }
    }

    /// <summary>A new page (its own browser context) that has waited for the Blazor circuit to be interactive.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 1000 } });
        await page.GotoAsync(new Uri(BaseAddress, path).ToString());
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>Signs in as one of the configured development users, then opens <paramref name="path"/>.</summary>
    public Task<IPage> OpenAsAsync(string userName, string path) =>
        OpenAsync($"/account/dev-login/switch?user={Uri.EscapeDataString(userName)}&returnUrl={Uri.EscapeDataString(path)}");

    public static Task WaitForCircuitAsync(IPage page) =>
        page.WaitForSelectorAsync("#circuit-ready[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>Saves a screenshot among the test artifacts.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });

    /// <summary>The portal's data directory (the embedded default's files; on AWS only caches).</summary>
    protected string DataDirectory => _dataDirectory;

    /// <summary>Starts what the portal needs before it starts (AWS stand-ins, provisioning).</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    /// <summary>Settings and services of the portal under test.</summary>
    protected abstract void ConfigurePortal(IWebHostBuilder builder);

    private sealed class PortalFactory(PortalHost host) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => host.ConfigurePortal(builder);
    }
}
