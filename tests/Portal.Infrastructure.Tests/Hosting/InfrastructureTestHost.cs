using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Hosting;

namespace Portal.Infrastructure.Tests.Hosting;

/// <summary>A host with the shared infrastructure over a data folder and the given settings, as the portal and the CLI build it.</summary>
internal static class InfrastructureTestHost
{
    public static IHost Build(string dataDirectory, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            new[] { ("Portal:DataDirectory", dataDirectory) }.Concat(settings).Select(s => new KeyValuePair<string, string?>(s.Item1, s.Item2)));
        builder.AddPortal();
        return builder.Build();
    }
}
