using Microsoft.AspNetCore.Hosting;

namespace Portal.EndToEnd.Tests;

/// <summary>The portal on the embedded default (SQLite, Parquet, DuckDB, ONNX) with the demo tenant seeded at its default size.</summary>
public sealed class PortalServer : PortalHost
{
    protected override void ConfigurePortal(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Portal:DataDirectory", DataDirectory);
        builder.UseSetting("Portal:SeedDemoData", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}

[CollectionDefinition(Name)]
public sealed class PortalServerCollection : ICollectionFixture<PortalServer>
{
    public const string Name = "portal-server";
}
