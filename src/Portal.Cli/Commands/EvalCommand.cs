using Microsoft.Extensions.Options;
using Portal.Infrastructure.Import;
using Portal.Infrastructure.Ingestion;
using Portal.Pricing.Domain;
using Portal.Pricing.Engine;
using Portal.Pricing.Evaluation;
using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;
using Spectre.Console;

namespace Portal.Cli.Commands;

internal static class EvalCommand
{
    private const string ManifestTenant = "eval";

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("manifest", "tenant", "images-root", "protocol", "json", "data-dir", "estimator", "k", "threshold");
        var protocol = args.Get("protocol") switch
        {
            null or "loo" => BacktestProtocol.Loo,
            "time" => BacktestProtocol.Time,
            var other => throw new CliUsageException($"Unknown protocol '{other}': use loo or time."),
        };

        var manifest = args.Get("manifest");
        var tenantText = args.Get("tenant");
        if ((manifest is null) == (tenantText is null))
        {
            throw new CliUsageException("Give either --manifest or --tenant.");
        }

        // With a manifest, work in a temporary store so the data directory is untouched.
        var temporary = manifest is null ? null : Directory.CreateTempSubdirectory("portal-eval-");
        try
        {
            using var host = CliApplication.BuildHost(temporary?.FullName ?? args.Get("data-dir"));
            var tenant = new TenantId(tenantText ?? ManifestTenant);
            bool? dated = null;
            if (manifest is not null)
            {
                var report = await ImportCommand.RunImportAsync(host.Get<SalesImporter>(), new ImportRequest
                {
                    ManifestPath = manifest,
                    Tenant = ManifestTenant,
                    ImagesRoot = args.Get("images-root"),
                }, cancellationToken);
                dated = report.Dated;
                if (report.Rejected.Count > 0)
                {
                    CliApplication.Error.MarkupLine($"[yellow]{report.Rejected.Count} manifest row(s) rejected; the first: line {report.Rejected[0].Line}: {Markup.Escape(report.Rejected[0].Reason)}[/]");
                }
            }
            else
            {
                await host.Get<SalesIndexLoader>().LoadAsync(cancellationToken);
            }

            var options = host.Get<IOptions<PricingOptions>>().Value;
            Tune(options, args);
            var items = new List<(SaleRecord, StoredEmbedding)>();
            await foreach (var (sale, embedding) in host.Get<ISalesStore>().StreamSalesAsync(tenant, cancellationToken))
            {
                if (embedding is not null)
                {
                    items.Add((sale, embedding));
                }
            }

            if (items.Count == 0)
            {
                await Console.Error.WriteLineAsync($"error: tenant '{tenant}' has no sales with embeddings to evaluate.");
                return 1;
            }

            // Undated manifests: all items share one day, so the window would mean nothing.
            dated ??= true;
            var engine = new VisualSimilarityPricingEngine(host.Get<ISalesIndex>(), Options.Create(options), TimeProvider.System);
            var evaluation = new Backtester(host.Get<ISalesIndex>(), engine, options).Run(tenant, items, protocol, dated.Value);
            if (args.Has("json"))
            {
                Console.WriteLine(CliJson.Serialize(evaluation));
            }
            else
            {
                Print(evaluation);
            }

            return 0;
        }
        finally
        {
            temporary?.Delete(recursive: true);
        }
    }

    /// <summary>Overrides for backtest sweeps: estimator, K and threshold.</summary>
    private static void Tune(PricingOptions options, CliArguments args)
    {
        if (args.Get("estimator") is { } estimator)
        {
            options.Estimator = estimator switch
            {
                "median" => PriceEstimator.WeightedMedian,
                "mean" => PriceEstimator.WeightedMean,
                _ => throw new CliUsageException("--estimator must be median or mean."),
            };
        }

        options.MaxComparables = args.GetInt("k", options.MaxComparables);
        if (args.Get("threshold") is { } threshold)
        {
            if (!double.TryParse(threshold, System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < -1 or > 1)
            {
                throw new CliUsageException("--threshold must be a number in [-1, 1].");
            }

            options.DefaultMinSimilarity = value;
            options.MinSimilarityByModel.Clear();
        }
    }

    private static void Print(EvaluationReport report)
    {
        var table = new Table().AddColumns("", "n", "MdAPE", "MAPE", "within 10 %", "within 25 %", "coverage", "range width", "fallback");
        void Row(string name, EvaluationMetrics m) => table.AddRow(name, m.N.ToString(), Pct(m.Mdape), Pct(m.Mape), Pct(m.Within10), Pct(m.Within25), Pct(m.Coverage), Pct(m.MeanRangeWidth), Pct(m.FallbackShare));
        Row("engine", report.Metrics);
        Row("category median", report.Baselines.CategoryMedian);
        Row("brand+category median", report.Baselines.BrandCategoryMedian);
        AnsiConsole.Write(table);
        foreach (var tercile in report.ByConfidence)
        {
            AnsiConsole.MarkupLine($"confidence {tercile.Tercile} ({tercile.MinConfidence:0.00}–{tercile.MaxConfidence:0.00}, n={tercile.N}): MdAPE {Pct(tercile.Mdape)}");
        }

        if (report.Note is not null)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(report.Note)}[/]");
        }
    }

    private static string Pct(double value) => double.IsNaN(value) ? "–" : $"{value * 100:0.0} %";
}
