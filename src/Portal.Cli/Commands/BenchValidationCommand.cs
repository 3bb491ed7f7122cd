using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Jobs;
using Portal.Core.Validation;
using Portal.Infrastructure.Embedded;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;
using Spectre.Console;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench validation</c>: the validation floor (1,000,000 sales validated in ≤ 60 s). Generates the sales with 512-d
/// embeddings into a fresh SQLite store and Parquet lake (bulk path, not timed), then times one full validation run.
/// </summary>
internal static class BenchValidationCommand
{
    private const int BatchSize = 50_000;
    private const int Dimension = 512;
    private const int Months = 24;
    private static readonly string[] Tenants = ["bench-a", "bench-b"];
    private static readonly string[] Categories = ["dresses", "tops", "bags", "shoes", "jackets", "skirts"];
    private static readonly TimeSpan Floor = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("sales", "keep");
        var count = args.GetInt("sales", 1_000_000);
        var keep = args.Get("keep");
        var folder = keep is null ? Directory.CreateTempSubdirectory("portal-bench validation-").FullName : Path.GetFullPath(keep);
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "sales.db");
        var lakeRoot = Path.Combine(folder, "lake");
        if (File.Exists(database) || Directory.Exists(lakeRoot))
        {
            throw new CliUsageException($"--keep needs an empty folder; '{folder}' already holds data.");
        }

        try
        {
            var time = TimeProvider.System;
            var storeOptions = new SqliteStoreOptions { DatabasePath = database };
            var generate = Stopwatch.StartNew();
            using (var store = new SqliteSalesStore(storeOptions, time))
            {
                await GenerateAsync(store, new ParquetSalesLake(new LakeOptions { RootDirectory = lakeRoot }, time), count, time.GetUtcNow(), cancellationToken);
            }

            generate.Stop();
            AnsiConsole.MarkupLine($"Generated {count:N0} sales (512-d embeddings) in {generate.Elapsed.TotalSeconds:0.0} s under {Markup.Escape(folder)}");

            var sources = new ValidationSources(database, lakeRoot, storeOptions.RetentionPeriod);
            using var validator = EmbeddedValidation.CreateValidator(sources, new ValidationOptions(), time);
            using var reports = new SqliteValidationReportStore(database);
            var job = new NightlyValidationJob(validator, reports, new AlertPublisher([], NullLogger<AlertPublisher>.Instance), time);
            var timed = Stopwatch.StartNew();
            var phases = new PhaseTimer(timed);
            var result = await job.RunAsync(new JobContext(Guid.NewGuid(), "bench", phases), cancellationToken);
            timed.Stop();
            phases.Close();
            foreach (var (phase, elapsed) in phases.Phases)
            {
                AnsiConsole.MarkupLine($"  {Markup.Escape(phase),-32} {elapsed.TotalSeconds,7:0.00} s");
            }

            var rate = count / Math.Max(timed.Elapsed.TotalSeconds, 1e-9);
            AnsiConsole.MarkupLine($"Validation: {timed.Elapsed.TotalSeconds:0.00} s for {count:N0} sales ({rate:N0} sales/s); floor {Floor.TotalSeconds:0} s: " +
                                   (timed.Elapsed <= Floor ? "[green]met[/]" : "[red]missed[/]"));
            AnsiConsole.MarkupLine($"Result: {(result.Succeeded ? "succeeded" : "[red]failed[/]")} — {Markup.Escape(result.Summary)}");
            return result.Succeeded ? 0 : 1;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Sales spread over two tenants, six categories and the last 24 months, written in large batches to both sides.</summary>
    private static async Task GenerateAsync(SqliteSalesStore store, ParquetSalesLake lake, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        // A pool of unit vectors: generation cost stays low while every row still carries its own 2 KB blob.
        var pool = Enumerable.Range(0, 256).Select(_ =>
        {
            var v = new float[Dimension];
            for (var d = 0; d < Dimension; d++)
            {
                v[d] = (float)(random.NextDouble() * 2 - 1);
            }

            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return new StoredEmbedding("resnet18-onnx-v1", v.Select(x => x / norm).ToArray());
        }).ToArray();

        var start = now.AddDays(-30 * Months);
        var span = (now - start).TotalSeconds - 3600;
        for (var offset = 0; offset < count; offset += BatchSize)
        {
            var batch = new List<(SaleRecord Sale, StoredEmbedding? Embedding)>(Math.Min(BatchSize, count - offset));
            for (var i = offset; i < Math.Min(offset + BatchSize, count); i++)
            {
                var category = Categories[i % Categories.Length];
                batch.Add((new SaleRecord
                {
                    Tenant = new TenantId(Tenants[i % Tenants.Length]),
                    ProductId = string.Create(CultureInfo.InvariantCulture, $"p{i}"),
                    SaleId = string.Create(CultureInfo.InvariantCulture, $"s{i}"),
                    Category = category,
                    Brand = "brand" + (i % 40).ToString(CultureInfo.InvariantCulture),
                    Condition = ItemCondition.Good,
                    SoldPrice = Math.Round((decimal)(20 + random.NextDouble() * 180), 2),
                    Currency = "SGD",
                    SoldAt = start.AddSeconds(random.NextDouble() * span),
                    Source = "bench",
                }, pool[i % pool.Length]));
            }

            await store.AddSalesAsync(batch, cancellationToken);
            await lake.AppendAsync(batch.Select(b => new LakeRow(b.Sale, b.Embedding)).ToList(), cancellationToken);
            CliApplication.Error.MarkupLine($"[grey]generated {Math.Min(offset + BatchSize, count):N0} / {count:N0}[/]");
        }
    }

    /// <summary>Records how long each phase (progress message) of the run took; reported synchronously, unlike <see cref="Progress{T}"/>.</summary>
    private sealed class PhaseTimer(Stopwatch clock) : IProgress<JobProgress>
    {
        private string? _current;
        private TimeSpan _since;

        public List<(string Phase, TimeSpan Elapsed)> Phases { get; } = [];

        public void Report(JobProgress value)
        {
            if (value.Message != _current)
            {
                Close();
                _current = value.Message;
                _since = clock.Elapsed;
            }
        }

        public void Close()
        {
            if (_current is not null)
            {
                Phases.Add((_current, clock.Elapsed - _since));
                _current = null;
            }
        }
    }
}
