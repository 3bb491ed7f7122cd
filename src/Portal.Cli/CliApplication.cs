using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded;
using Portal.Cli.Commands;
using Portal.Infrastructure.Hosting;
using Spectre.Console;

namespace Portal.Cli;

/// <summary>The <c>portal</c> tool: import sales, backtest the engine, measure retrieval.</summary>
internal static class CliApplication
{
    public const string Usage = """
        portal import --manifest FILE.csv --tenant T [--images-root DIR] [--currency EUR]
        portal eval (--manifest FILE.csv [--images-root DIR] | --tenant T) [--protocol loo|time] [--json]
        portal retrieval --manifest FILE.csv --label-column NAME [--images-root DIR] [--k 10] [--json]
        portal reembed --model onnx|titan [--tenant T]
        portal bench validation [--sales 1000000] [--keep EMPTY-DIR]
        portal bench smartgo [--rows 100000] [--postgres CONNECTION] [--batch-size 1000] [--photos 20] [--schema FILE]
        portal bench sync [--short] [--events 30000] [--resnet-events 150] [--rate 100] [--seconds 30] [--data-dir DIR]
        portal bench http --url URL [--concurrency 8,32] [--seconds 30] [--token JWT | --dev-user NAME] [--tenant demo] [--batch 100]
        portal bench batch --url URL [--photos 500] [--dataset ../shared/datasets/clothing-small] [--analysts 1] [--token JWT | --dev-user NAME]
        portal bench feed [--short] [--provider local|aws] [--dynamodb-url URL] [--rate 100] [--seconds 60] [--portals 2] [--idle-seconds 30] [--load-sales 1000000] [--dimension 512] [--data-dir DIR]
        portal bench load [--provider local|aws] [--sales 1000000] [--parallelism 1,N] [--dimension 512] [--dynamodb-url URL] [--data-dir DIR]
        portal provision aws [--stage S] [--dry-run]
        portal smoke --url URL [--tenant T] [--token JWT] [--dev-user NAME] [--timeout 60]
        Options for every command: --data-dir DIR (default: Portal:DataDirectory from appsettings.json)
        """;

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "json", "short", "dry-run" };

    public static async Task<int> RunAsync(string[] args)
    {
        CliArguments arguments;
        try
        {
            arguments = CliArguments.Parse(args, Flags);
        }
        catch (CliUsageException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n\nUsage:\n{Usage}");
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            return arguments.Command switch
            {
                "import" => await ImportCommand.RunAsync(arguments, cancellation.Token),
                "eval" => await EvalCommand.RunAsync(arguments, cancellation.Token),
                "retrieval" => await RetrievalCommand.RunAsync(arguments, cancellation.Token),
                "reembed" => await ReembedCommand.RunAsync(arguments, cancellation.Token),
                "bench validation" => await BenchValidationCommand.RunAsync(arguments, cancellation.Token),
                "bench smartgo" => await BenchSmartGoCommand.RunAsync(arguments, cancellation.Token),
                "bench sync" => await BenchSyncCommand.RunAsync(arguments, cancellation.Token),
                "bench http" => await BenchHttpCommand.RunAsync(arguments, cancellation.Token),
                "bench batch" => await BenchBatchCommand.RunAsync(arguments, cancellation.Token),
                "bench feed" => await BenchFeedCommand.RunAsync(arguments, cancellation.Token),
                "bench load" => await BenchLoadCommand.RunAsync(arguments, cancellation.Token),
                "provision aws" => await ProvisionAwsCommand.RunAsync(arguments, cancellation.Token),
                "smoke" => await SmokeCommand.RunAsync(arguments, cancellation.Token),
                _ => throw new CliUsageException($"Unknown command '{arguments.Command}'."),
            };
        }
        catch (CliUsageException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n\nUsage:\n{Usage}");
            return 2;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or ArgumentException or DirectoryNotFoundException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary>A host with the shared services, reading the root appsettings.json; <paramref name="dataDirectory"/> overrides the data folder.</summary>
    public static IHost BuildHost(string? dataDirectory, DateTimeOffset? asOf = null, TimeSpan? salesRetention = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        if (dataDirectory is not null)
        {
            builder.Configuration[$"{EmbeddedStorageOptions.SectionName}:{nameof(EmbeddedStorageOptions.DataDirectory)}"] = dataDirectory;
        }

        builder.Configuration[$"{DemoOptions.SectionName}:{nameof(DemoOptions.SeedDemoData)}"] = "false";
        if (salesRetention is { } retention)
        {
            builder.Configuration[$"{EmbeddedStorageOptions.SectionName}:{nameof(EmbeddedStorageOptions.SalesRetention)}"] = retention.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        builder.Logging.ClearProviders();
        if (asOf is { } day)
        {
            // Registered before the infrastructure, which only adds the system clock when none is there.
            builder.Services.AddSingleton<TimeProvider>(new AsOfTimeProvider(day));
        }

        builder.AddPortal();
        return builder.Build();
    }

    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static T Get<T>(this IHost host)
        where T : notnull => host.Services.GetRequiredService<T>();
}
