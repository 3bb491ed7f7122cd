using Microsoft.Extensions.Hosting;
using Portal.Worker;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    // Reads the one appsettings.json at the repository root, copied next to the binaries, like the portal and the CLI.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddWorkerServices();
await builder.Build().RunAsync();
