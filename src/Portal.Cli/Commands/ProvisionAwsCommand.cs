using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;

namespace Portal.Cli.Commands;

/// <summary><c>portal provision aws [--stage S] [--dry-run]</c>: creates or updates the AWS adapters' DynamoDB tables, GSIs and TTL.</summary>
internal static class ProvisionAwsCommand
{
    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("stage", "dry-run");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.ConfigureForProvisioning(args.Get("stage"));
        using var host = builder.Build();
        return await AwsProvisioning.RunAsync(host.Services, args.Has("dry-run"), Console.Out, Console.Error, cancellationToken);
    }
}
