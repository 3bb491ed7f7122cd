using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Web.Tests;

/// <summary>
/// The real portal on the embedded default (SQLite, Parquet, DuckDB, ONNX) in a temporary data directory,
/// with a small demo tenant seeded before the tests run.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-web-tests-").FullName;

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
        using var client = CreateClient();
        await DemoPortal.WaitUntilSeededAsync(client);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        DemoPortal.DeleteDataDirectory(_dataDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFactory>
{
    public const string Name = "portal";
}
