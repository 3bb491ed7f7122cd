using Portal.Core.Pricing.Evaluation;
using Spectre.Console;

namespace Portal.Cli.Commands;

internal static class RetrievalCommand
{
    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("manifest", "label-column", "images-root", "k", "json", "data-dir", "vectors-out");
        using var host = CliApplication.BuildHost(args.Get("data-dir"));
        var evaluator = host.Get<RetrievalEvaluator>();
        RetrievalReport? report = null;
        await using var vectorsOut = args.Get("vectors-out") is { } path ? new StreamWriter(path) : null;
        await CliApplication.Error.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("Embedding photos");
            var progress = new Progress<(int Done, int Total)>(p =>
            {
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
            });
            report = await evaluator.RunAsync(args.Require("manifest"), args.Require("label-column"), args.Get("images-root"), args.GetInt("k", 10), progress, vectorsOut, cancellationToken);
        });

        if (args.Has("json"))
        {
            Console.WriteLine(CliJson.Serialize(report));
        }
        else
        {
            AnsiConsole.MarkupLine($"n={report!.N} (skipped {report.Skipped}): precision@{report.K} = {report.PrecisionAtK:0.000}, NS score = {report.NsScore:0.00}");
            AnsiConsole.MarkupLine($"same-label similarity: mean {report.SameLabel.Mean:0.000}, p10 {report.SameLabel.P10:0.000}, p50 {report.SameLabel.P50:0.000}, p90 {report.SameLabel.P90:0.000}");
            AnsiConsole.MarkupLine($"different-label similarity: mean {report.DifferentLabel.Mean:0.000}, p10 {report.DifferentLabel.P10:0.000}, p50 {report.DifferentLabel.P50:0.000}, p90 {report.DifferentLabel.P90:0.000}");
        }

        return 0;
    }
}
