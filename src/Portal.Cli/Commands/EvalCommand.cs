using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Core.Imports;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Evaluation;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Spectre.Console;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal eval</c>: backtests the engine on real sold items, each priced as of its own date. With a manifest the items
/// go into a temporary store (or <c>--data-dir</c>, kept for the next run) whose clock stands on the manifest's last day, so
/// dated history is never cut by retention; <c>--as-of</c> does the same for a live store.
/// </summary>
internal static class EvalCommand
{
    private const string ManifestTenant = "eval";
    private const string EstimateColumn = "estimate";
    private static readonly TimeSpan EvaluationRetention = TimeSpan.FromDays(100 * 365);

    /// <summary>The grid <c>--sweep</c> runs when given no grid of its own.</summary>
    private const string DefaultGrid = "k=10,20;brand=0,0.1,0.2,0.3;title=0,0.1;temperature=100,0.05";

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("manifest", "tenant", "images-root", "protocol", "json", "data-dir", "as-of", "sweep",
            "estimator", "k", "threshold", "brand", "title", "temperature", "half-life", "max-window", "window", "level", "level-shrinkage", "coverage", "learned", "features-out", "predictions-out", "title-model");
        var protocols = args.Get("protocol") switch
        {
            null or "both" => new[] { BacktestProtocol.Time, BacktestProtocol.Loo },
            "loo" => [BacktestProtocol.Loo],
            "time" => [BacktestProtocol.Time],
            var other => throw new CliUsageException($"Unknown protocol '{other}': use time, loo or both."),
        };

        var manifest = args.Get("manifest");
        var tenantText = args.Get("tenant");
        if ((manifest is null) == (tenantText is null))
        {
            throw new CliUsageException("Give either --manifest or --tenant.");
        }

        var asOf = args.Get("as-of") is { } asOfText ? ParseDate(asOfText) : manifest is null ? (DateTimeOffset?)null : LastDate(manifest);

        // With a manifest and no data directory, work in a temporary store so nothing else is touched.
        var keep = args.Get("data-dir");
        var temporary = manifest is not null && keep is null ? Directory.CreateTempSubdirectory("portal-eval-") : null;
        try
        {
            // An evaluation's own store keeps all of a manifest's history: each item is priced as of its date, and the engine's
            // widest window (not the store's retention) bounds what it sees.
            using var host = CliApplication.BuildHost(temporary?.FullName ?? keep, asOf, manifest is null ? null : EvaluationRetention);
            var tenant = new TenantId(tenantText ?? ManifestTenant);
            // Settings first: a bad one stops the run before minutes of embedding.
            var baseOptions = host.Get<IOptions<PricingOptions>>().Value;
            Tune(baseOptions, args);
            var settings = args.Has("sweep") ? Grid(baseOptions, args.Get("sweep") is { Length: > 0 } grid && grid != "true" ? grid : DefaultGrid) : [baseOptions];
            var learnedVariants = args.Get("learned") switch
            {
                // Off unless asked: the learned layer lost the backtest and does not price in production.
                null or "off" => new[] { false },
                "on" => [true],
                "both" => [false, true],
                var other => throw new CliUsageException($"--learned '{other}': use on, off or both."),
            };
            bool? dated = null;
            IReadOnlyDictionary<string, string> estimates = new Dictionary<string, string>();
            if (manifest is not null)
            {
                var report = await ImportCommand.RunImportAsync(host.Get<SalesImporter>(), new ImportRequest
                {
                    ManifestPath = manifest,
                    Tenant = ManifestTenant,
                    ImagesRoot = args.Get("images-root"),
                    CaptureColumn = EstimateColumn,
                }, cancellationToken);
                dated = report.Dated;
                estimates = report.Captured;
                CliApplication.Error.MarkupLine($"{report.Imported} imported, {report.AlreadyPresent} already present, {report.Rejected.Count} rejected of {report.Rows} rows.");
                if (report.Rejected.Count > 0)
                {
                    CliApplication.Error.MarkupLine($"[yellow]{report.Rejected.Count} manifest row(s) rejected; the first: line {report.Rejected[0].Line}: {Markup.Escape(report.Rejected[0].Reason)}[/]");
                }
            }

            if (manifest is null || keep is not null)
            {
                // The importer indexes what it writes; rows already present come from the store.
                await host.Get<SalesIndexLoader>().LoadAsync(cancellationToken);
            }

            var items = new List<BacktestItem>();
            await foreach (var (sale, embedding) in host.Get<ISalesStore>().StreamSalesAsync(tenant, cancellationToken))
            {
                if (embedding is not null)
                {
                    items.Add(new BacktestItem(sale, embedding, estimates.TryGetValue(sale.SaleId, out var e) && decimal.TryParse(e, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null));
                }
            }

            if (items.Count == 0)
            {
                await Console.Error.WriteLineAsync($"error: tenant '{tenant}' has no sales with embeddings to evaluate{(asOf is null ? string.Empty : $" as of {asOf:yyyy-MM-dd}")}.");
                return 1;
            }

            // Undated manifests: all items share one day, so the window would mean nothing.
            dated ??= true;
            var reports = new List<EvaluationReport>();
            // One vectoriser per title model across the grid, so each title is embedded once per run.
            var titleVectorisers = new Dictionary<string, ITitleVectoriser>(StringComparer.Ordinal);
            foreach (var protocol in args.Has("sweep") ? [BacktestProtocol.Time] : protocols)
            {
                foreach (var (options, learned) in settings.SelectMany(o => learnedVariants.Select(l => (o, l))))
                {
                    if (!titleVectorisers.TryGetValue(options.TitleModel, out var titles))
                    {
                        titles = TitleVectorisers.Create(options.TitleModel, host.Get<ISalesIndex>());
                        titleVectorisers[options.TitleModel] = titles;
                    }

                    var engine = new VisualSimilarityPricingEngine(host.Get<ISalesIndex>(), Options.Create(options), TimeProvider.System, titles: titles);
                    using var featuresOut = args.Get("features-out") is { } path && learned ? new StreamWriter(path) : null;
                    using var predictionsOut = args.Get("predictions-out") is { } predictionsPath ? new StreamWriter(predictionsPath) : null;
                    var report = new Backtester(host.Get<ISalesIndex>(), engine, options, learned) { FeaturesOut = featuresOut, PredictionsOut = predictionsOut }.Run(tenant, items, protocol, dated.Value);
                    reports.Add(report);
                    if (args.Has("sweep") && !args.Has("json"))
                    {
                        CliApplication.Error.MarkupLine(Markup.Escape($"{reports.Count}/{settings.Count * learnedVariants.Length} {report.Settings}: MdAPE {Pct(report.Metrics.Mdape)}"));
                    }
                }
            }

            if (args.Has("json"))
            {
                Console.WriteLine(reports.Count == 1 ? CliJson.Serialize(reports[0]) : CliJson.Serialize(reports));
            }
            else if (args.Has("sweep"))
            {
                PrintSweep(reports);
            }
            else
            {
                reports.ForEach(Print);
            }

            return 0;
        }
        finally
        {
            temporary?.Delete(recursive: true);
        }
    }

    /// <summary>The day after the manifest's last dated row: the store's clock for the evaluation.</summary>
    private static DateTimeOffset? LastDate(string manifest) =>
        File.Exists(manifest) ? SalesImporter.LastDate(manifest)?.AddDays(1) : null;

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new CliUsageException($"--as-of '{text}' is not a date (use yyyy-MM-dd).");

    /// <summary>Overrides for one backtest: estimator, K, threshold, signal weights, temperature, half-life, widest window.</summary>
    private static void Tune(PricingOptions options, CliArguments args)
    {
        if (args.Get("estimator") is { } estimator)
        {
            options.Estimator = estimator switch
            {
                "median" => PriceEstimator.WeightedMedian,
                "mean" => PriceEstimator.WeightedMean,
                "geomean" => PriceEstimator.WeightedGeometricMean,
                _ => throw new CliUsageException("--estimator must be median, mean or geomean."),
            };
        }

        options.MaxComparables = args.GetInt("k", options.MaxComparables);
        foreach (var name in new[] { "title-model", "threshold", "brand", "title", "temperature", "half-life", "max-window", "window", "level", "level-shrinkage", "coverage" })
        {
            if (args.Get(name) is { } text)
            {
                Set(options, name, text);
            }
        }
    }

    /// <summary>Every combination of a grid such as <c>k=10,20;brand=0,0.2</c> over the base settings.</summary>
    private static List<PricingOptions> Grid(PricingOptions baseOptions, string grid)
    {
        var variants = new List<PricingOptions> { Copy(baseOptions) };
        foreach (var axis in grid.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = axis.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                throw new CliUsageException($"Sweep axis '{axis}' is not name=value,value.");
            }

            var next = new List<PricingOptions>();
            foreach (var variant in variants)
            {
                foreach (var value in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var copy = Copy(variant);
                    Set(copy, parts[0], value);
                    next.Add(copy);
                }
            }

            variants = next;
        }

        return variants;
    }

    private static void Set(PricingOptions options, string name, string text)
    {
        if (name == "estimator")
        {
            options.Estimator = text switch
            {
                "median" => PriceEstimator.WeightedMedian,
                "mean" => PriceEstimator.WeightedMean,
                "geomean" => PriceEstimator.WeightedGeometricMean,
                _ => throw new CliUsageException($"estimator '{text}': use median, mean or geomean."),
            };
            return;
        }

        if (name == "title-model")
        {
            options.TitleModel = TitleModels.IsKnown(text)
                ? text
                : throw new CliUsageException($"--title-model '{text}': use {string.Join(", ", TitleModels.All)}.");
            return;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new CliUsageException($"--{name} '{text}' is not a number.");
        }

        switch (name)
        {
            case "k" when value is >= 1 and <= 200:
                options.MaxComparables = (int)value;
                break;
            case "threshold" when value is >= -1 and <= 1:
                options.DefaultMinSimilarity = value;
                options.MinSimilarityByModel.Clear();
                break;
            case "brand" when value is >= 0 and <= 1:
                options.BrandWeight = value;
                break;
            case "title" when value is >= 0 and <= 1:
                options.TitleWeight = value;
                break;
            case "temperature" when value is >= 0 and <= 100:
                options.SimilarityTemperature = value;
                break;
            case "half-life" when value > 0:
                options.RecencyHalfLife = TimeSpan.FromDays(value);
                break;
            case "window" when value > 0:
                options.LookbackWindow = TimeSpan.FromDays(value);
                options.WidenedLookbackWindow = TimeSpan.FromDays(Math.Max(value, options.WidenedLookbackWindow.TotalDays));
                options.MaxLookbackWindow = TimeSpan.FromDays(Math.Max(value, options.MaxLookbackWindow.TotalDays));
                break;
            case "seasonal-shrinkage" when value is >= 0 and <= 10_000:
                options.SeasonalShrinkage = value;
                break;
            case "level" when value is >= 0 and <= 1:
                options.MarketLevelWeight = value;
                break;
            case "level-shrinkage" when value is >= 0 and <= 100:
                options.MarketLevelShrinkage = value;
                break;
            case "bands" when value is >= 1 and <= 20:
                options.CalibrationBands = (int)value;
                break;
            case "coverage" when value is >= 0.5 and <= 0.99:
                options.CalibratedCoverage = value;
                break;
            case "min-comparables" when value is >= 1 and <= 50:
                options.MinComparables = (int)value;
                break;
            case "max-window" when value >= options.WidenedLookbackWindow.TotalDays:
                options.MaxLookbackWindow = TimeSpan.FromDays(value);
                break;
            default:
                throw new CliUsageException($"--{name} {text} is out of range or not a setting (k, threshold, brand, title, title-model, temperature, half-life, max-window, estimator).");
        }
    }

    /// <summary>A copy whose dictionaries are its own, so one sweep row's change never leaks into another.</summary>
    private static PricingOptions Copy(PricingOptions o) => o with
    {
        MinSimilarityByModel = new Dictionary<string, double>(o.MinSimilarityByModel, StringComparer.Ordinal),
        ConditionLadder = new Dictionary<string, double>(o.ConditionLadder, StringComparer.OrdinalIgnoreCase),
    };

    private static void PrintSweep(IReadOnlyList<EvaluationReport> reports)
    {
        var table = new Table().AddColumns("settings", "MdAPE", "× category", "MAPE", "within 25 %", "coverage", "range width", "top/bottom tercile", "fallback");
        foreach (var r in reports)
        {
            table.AddRow(Markup.Escape(r.Settings), Pct(r.Metrics.Mdape), Ratio(r.Metrics.Mdape, r.Baselines.CategoryMedian.Mdape), Pct(r.Metrics.Mape),
                Pct(r.Metrics.Within25), Pct(r.Metrics.Coverage), Pct(r.Metrics.MeanRangeWidth), TercileRatio(r), Pct(r.Metrics.FallbackShare));
        }

        AnsiConsole.Write(table);
        if (reports.Count > 0)
        {
            var b = reports[0].Baselines;
            AnsiConsole.MarkupLine($"baselines: category median {Pct(b.CategoryMedian.Mdape)}, brand+category median {Pct(b.BrandCategoryMedian.Mdape)}{(b.Expert is { } e ? $", expert estimate {Pct(e.Mdape)}" : string.Empty)}");
        }
    }

    private static void Print(EvaluationReport report)
    {
        AnsiConsole.MarkupLine($"[bold]{(report.Protocol == "time" ? "Time-ordered (each item priced only from earlier sales)" : "Leave-one-out")}[/], n = {report.N}, unpriced {report.Unpriced}; {Markup.Escape(report.Settings)}");
        var table = new Table().AddColumns("", "n", "MdAPE", "MAPE", "within 10 %", "within 25 %", "P10–P90 coverage", "range width", "fallback");
        void Row(string name, EvaluationMetrics m) => table.AddRow(name, m.N.ToString(CultureInfo.InvariantCulture), Pct(m.Mdape), Pct(m.Mape), Pct(m.Within10), Pct(m.Within25), Pct(m.Coverage), Pct(m.MeanRangeWidth), Pct(m.FallbackShare));
        Row("engine", report.Metrics);
        Row("engine, uncalibrated range", report.Uncalibrated);
        Row("category median", report.Baselines.CategoryMedian);
        Row("brand+category median", report.Baselines.BrandCategoryMedian);
        if (report.Baselines.Expert is { } expert)
        {
            Row("expert estimate", expert);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"engine MdAPE ÷ category median: {Ratio(report.Metrics.Mdape, report.Baselines.CategoryMedian.Mdape)}");
        foreach (var tercile in report.ByConfidence)
        {
            AnsiConsole.MarkupLine($"confidence {tercile.Tercile} ({tercile.MinConfidence:0.00}–{tercile.MaxConfidence:0.00}, n={tercile.N}): MdAPE {Pct(tercile.Mdape)}");
        }

        if (report.Note is not null)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(report.Note)}[/]");
        }
    }

    private static string TercileRatio(EvaluationReport r) =>
        r.ByConfidence.Count == 3 ? $"{Pct(r.ByConfidence[2].Mdape)} / {Pct(r.ByConfidence[0].Mdape)}" : "–";

    private static string Ratio(double value, double baseline) =>
        double.IsNaN(value) || double.IsNaN(baseline) || baseline <= 0 ? "–" : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Pct(double value) => double.IsNaN(value) ? "–" : (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
