using Portal.Core.Imports;
using Spectre.Console;

namespace Portal.Cli.Commands;

internal static class ImportCommand
{
    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("manifest", "tenant", "images-root", "currency", "data-dir", "json");
        using var host = CliApplication.BuildHost(args.Get("data-dir"));
        var report = await RunImportAsync(host.Get<SalesImporter>(), new ImportRequest
        {
            ManifestPath = args.Require("manifest"),
            Tenant = args.Require("tenant"),
            ImagesRoot = args.Get("images-root"),
            DefaultCurrency = args.Get("currency") ?? "EUR",
        }, cancellationToken);

        if (args.Has("json"))
        {
            Console.WriteLine(CliJson.Serialize(report));
        }
        else
        {
            Print(report);
        }

        return 0;
    }

    /// <summary>Runs the import with a progress bar on standard error, so standard output stays clean for JSON.</summary>
    public static async Task<ImportReport> RunImportAsync(SalesImporter importer, ImportRequest request, CancellationToken cancellationToken)
    {
        ImportReport? report = null;
        await CliApplication.Error.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Importing {Path.GetFileName(request.ManifestPath)}");
                var progress = new Progress<ImportProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Processed;
                    task.Description = p.PastRetention > 0
                        ? $"Imported {p.Imported}, rejected {p.Rejected}, past retention {p.PastRetention}"
                        : $"Imported {p.Imported}, rejected {p.Rejected}";
                });
                report = await importer.ImportAsync(request, progress, cancellationToken);
                task.Value = task.MaxValue;
            });
        return report!;
    }

    private static void Print(ImportReport report)
    {
        var console = AnsiConsole.Console;
        var past = report.PastRetention;
        var skipped = past.Count == 0 || past.Imported ? string.Empty : $", [yellow]{past.Count}[/] skipped past retention";
        console.MarkupLine($"[green]{report.Imported}[/] imported, {report.AlreadyPresent} already present{skipped}, [red]{report.Rejected.Count}[/] rejected of {report.Rows} rows.");
        if (past.Count > 0)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(past.Describe())}[/]");
        }

        foreach (var row in report.Rejected.Take(200))
        {
            console.MarkupLineInterpolated($"  line {row.Line}: {row.Reason}");
        }

        if (report.Rejected.Count > 200)
        {
            console.MarkupLine($"  … and {report.Rejected.Count - 200} more.");
        }

        if (!report.Dated)
        {
            console.MarkupLine("[yellow]Some rows have no date: they were recorded as sold today.[/]");
        }
    }
}
