using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using Portal.Core.Imports;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Evaluation;
using Portal.Core.Pricing.Similarity;
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
        var protocols = ParseProtocols(args.Get("protocol"));
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
            var learnedVariants = ParseLearned(args.Get("learned"));
            var (dated, estimates) = manifest is null
                ? (null, new Dictionary<string, string>())
                : await ImportManifestAsync(host, manifest, args.Get("images-root"), cancellationToken);
            if (manifest is null || keep is not null)
            {
                // The importer indexes what it writes; rows already present come from the store.
                await host.Get<SalesIndexLoader>().LoadAsync(cancellationToken);
            }

            var items = await ReadItemsAsync(host.Get<ISalesStore>(), tenant, estimates, cancellationToken);
            if (items.Count == 0)
            {
                await Console.Error.WriteLineAsync($"error: tenant '{tenant}' has no sales with embeddings to evaluate{(asOf is null ? string.Empty : $" as of {asOf:yyyy-MM-dd}")}.");
                return 1;
            }

            var runs = (args.Has("sweep") ? [BacktestProtocol.Time] : protocols)
                .SelectMany(protocol => settings.SelectMany(options => learnedVariants.Select(learned => new BacktestRun(protocol, options, learned))))
                .ToList();
            // Undated manifests: all items share one day, so the window would mean nothing.
            var reports = RunBacktests(host.Get<ISalesIndex>(), args, tenant, items, runs, dated ?? true);
            Report(args, reports);
            return 0;
        }
        finally
        {
            temporary?.Delete(recursive: true);
        }
    }

    /// <summary>One backtest of a grid: the protocol, the settings and whether the learned layer prices.</summary>
    private sealed record BacktestRun(BacktestProtocol Protocol, PricingOptions Options, bool Learned);

    private static BacktestProtocol[] ParseProtocols(string? protocol) => protocol switch
    {
        null or "both" => [BacktestProtocol.Time, BacktestProtocol.Loo],
        "loo" => [BacktestProtocol.Loo],
        "time" => [BacktestProtocol.Time],
        var other => throw new CliUsageException($"Unknown protocol '{other}': use time, loo or both."),
    };

    private static bool[] ParseLearned(string? learned) => learned switch
    {
        // Off unless asked: the learned layer lost the backtest and does not price in production.
        null or "off" => [false],
        "on" => [true],
        "both" => [false, true],
        var other => throw new CliUsageException($"--learned '{other}': use on, off or both."),
    };

    /// <summary>Imports the manifest into the evaluation's store; returns whether its rows are dated and the expert estimates by sale id.</summary>
    private static async Task<(bool? Dated, IReadOnlyDictionary<string, string> Estimates)> ImportManifestAsync(
        IHost host, string manifest, string? imagesRoot, CancellationToken cancellationToken)
    {
        var report = await ImportCommand.RunImportAsync(host.Get<SalesImporter>(), new ImportRequest
        {
            ManifestPath = manifest,
            Tenant = ManifestTenant,
            ImagesRoot = imagesRoot,
            CaptureColumn = EstimateColumn,
        }, cancellationToken);
        CliApplication.Error.MarkupLine($"{report.Imported} imported, {report.AlreadyPresent} already present, {report.Rejected.Count} rejected of {report.Rows} rows.");
        if (report.Rejected.Count > 0)
        {
            CliApplication.Error.MarkupLine($"[yellow]{report.Rejected.Count} manifest row(s) rejected; the first: line {report.Rejected[0].Line}: {Markup.Escape(report.Rejected[0].Reason)}[/]");
        }

        return (report.Dated, report.Captured);
    }

    /// <summary>The tenant's sales that have an embedding, each with its expert estimate where the manifest gave one.</summary>
    private static async Task<List<BacktestItem>> ReadItemsAsync(
        ISalesStore store, TenantId tenant, IReadOnlyDictionary<string, string> estimates, CancellationToken cancellationToken)
    {
        var items = new List<BacktestItem>();
        await foreach (var (sale, embedding) in store.StreamSalesAsync(tenant, cancellationToken))
        {
            if (embedding is not null)
            {
                items.Add(new BacktestItem(sale, embedding, estimates.TryGetValue(sale.SaleId, out var e) && decimal.TryParse(e, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null));
            }
        }

        return items;
    }

    private static List<EvaluationReport> RunBacktests(
        ISalesIndex index, CliArguments args, TenantId tenant, List<BacktestItem> items, List<BacktestRun> runs, bool dated)
    {
        var reports = new List<EvaluationReport>();
        // One vectoriser per title model across the grid, so each title is embedded once per run.
        var titleVectorisers = new Dictionary<string, ITitleVectoriser>(StringComparer.Ordinal);
        foreach (var (protocol, options, learned) in runs)
        {
            if (!titleVectorisers.TryGetValue(options.TitleModel, out var titles))
            {
                titles = TitleVectorisers.Create(options.TitleModel, index);
                titleVectorisers[options.TitleModel] = titles;
            }

            var engine = new VisualSimilarityPricingEngine(index, Options.Create(options), TimeProvider.System, titles: titles);
            using var featuresOut = args.Get("features-out") is { } path && learned ? new StreamWriter(path) : null;
            using var predictionsOut = args.Get("predictions-out") is { } predictionsPath ? new StreamWriter(predictionsPath) : null;
            var report = new Backtester(index, engine, options, learned) { FeaturesOut = featuresOut, PredictionsOut = predictionsOut }.Run(tenant, items, protocol, dated);
            reports.Add(report);
            if (args.Has("sweep") && !args.Has("json"))
            {
                CliApplication.Error.MarkupLine(Markup.Escape($"{reports.Count}/{runs.Count} {report.Settings}: MdAPE {Pct(report.Metrics.Mdape)}"));
            }
        }

        return reports;
    }

    private static void Report(CliArguments args, List<EvaluationReport> reports)
    {
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
            options.Estimator = ParseEstimator(estimator, "--estimator must be median, mean or geomean.");
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
            options.Estimator = ParseEstimator(text, $"estimator '{text}': use median, mean or geomean.");
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

        if (!NumericSettings.TryGetValue(name, out var setting) || !setting.InRange(options, value))
        {
            throw new CliUsageException($"--{name} {text} is out of range or not a setting (k, threshold, brand, title, title-model, temperature, half-life, max-window, estimator).");
        }

        setting.Apply(options, value);
    }

    private static PriceEstimator ParseEstimator(string text, string error) => text switch
    {
        "median" => PriceEstimator.WeightedMedian,
        "mean" => PriceEstimator.WeightedMean,
        "geomean" => PriceEstimator.WeightedGeometricMean,
        _ => throw new CliUsageException(error),
    };

    /// <summary>A numeric setting: the values it accepts (given the settings so far) and where it goes.</summary>
    private sealed record NumericSetting(Func<PricingOptions, double, bool> InRange, Action<PricingOptions, double> Apply);

    private static readonly Dictionary<string, NumericSetting> NumericSettings = new(StringComparer.Ordinal)
    {
        ["k"] = new((_, v) => v is >= 1 and <= 200, (o, v) => o.MaxComparables = (int)v),
        ["threshold"] = new((_, v) => v is >= -1 and <= 1, (o, v) =>
        {
            o.DefaultMinSimilarity = v;
            o.MinSimilarityByModel.Clear();
        }),
        ["brand"] = new((_, v) => v is >= 0 and <= 1, (o, v) => o.BrandWeight = v),
        ["title"] = new((_, v) => v is >= 0 and <= 1, (o, v) => o.TitleWeight = v),
        ["temperature"] = new((_, v) => v is >= 0 and <= 100, (o, v) => o.SimilarityTemperature = v),
        ["half-life"] = new((_, v) => v > 0, (o, v) => o.RecencyHalfLife = TimeSpan.FromDays(v)),
        ["window"] = new((_, v) => v > 0, (o, v) =>
        {
            o.LookbackWindow = TimeSpan.FromDays(v);
            o.WidenedLookbackWindow = TimeSpan.FromDays(Math.Max(v, o.WidenedLookbackWindow.TotalDays));
            o.MaxLookbackWindow = TimeSpan.FromDays(Math.Max(v, o.MaxLookbackWindow.TotalDays));
        }),
        ["seasonal-shrinkage"] = new((_, v) => v is >= 0 and <= 10_000, (o, v) => o.SeasonalShrinkage = v),
        ["level"] = new((_, v) => v is >= 0 and <= 1, (o, v) => o.MarketLevelWeight = v),
        ["level-shrinkage"] = new((_, v) => v is >= 0 and <= 100, (o, v) => o.MarketLevelShrinkage = v),
        ["bands"] = new((_, v) => v is >= 1 and <= 20, (o, v) => o.CalibrationBands = (int)v),
        ["coverage"] = new((_, v) => v is >= 0.5 and <= 0.99, (o, v) => o.CalibratedCoverage = v),
        ["min-comparables"] = new((_, v) => v is >= 1 and <= 50, (o, v) => o.MinComparables = (int)v),
        ["max-window"] = new((o, v) => v >= o.WidenedLookbackWindow.TotalDays, (o, v) => o.MaxLookbackWindow = TimeSpan.FromDays(v)),
    };

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
