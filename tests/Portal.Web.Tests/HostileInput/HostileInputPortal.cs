using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Web.Tests.HostileInput;

/// <summary>
/// The portal on Kestrel on a loopback port (real HTTP: framing, chunking and early answers behave as in production),
/// on the embedded default with a small demo tenant, in its own temporary data directory.
/// </summary>
public sealed class HostileInputPortal : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-hostile-input-").FullName;

    public HostileInputPortal() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Portal:DataDirectory", _dataDirectory);
        builder.UseSetting("Portal:SeedDemoData", "true");
        builder.UseSetting("Portal:DemoSales", "300");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public async Task InitializeAsync()
    {
        StartServer();
        using var client = CreateClient();
        await DemoPortal.WaitUntilSeededAsync(client);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        DemoPortal.DeleteDataDirectory(_dataDirectory);
    }
}
