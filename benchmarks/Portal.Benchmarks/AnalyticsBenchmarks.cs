using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Lake;

namespace Portal.Benchmarks;

/// <summary>
/// The lake queries over 1,000,000 rows of one tenant spread over 24 months (no embeddings).
/// Floor: <see cref="MonthlyTrendAsync"/> at or under 300 ms.
/// Run with <c>dotnet run -c Release --project benchmarks/Portal.Benchmarks -- --filter '*AnalyticsBenchmarks*'</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class AnalyticsBenchmarks
{
    private const int Rows = 1_000_000;
    private const int BatchSize = 250_000;
    private static readonly TenantId Tenant = new("bench");
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AsOf = new(2025, 12, 31, 0, 0, 0, TimeSpan.Zero);
    private static readonly AnalyticsFilter Year2025 = new(From: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly string[] Categories = ["dresses", "tops", "jeans", "shoes", "bags", "coats", "skirts", "knitwear", "accessories", "sportswear"];

    // The lake is written once per process even when BenchmarkDotNet runs GlobalSetup for every benchmark (in-process runs).
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? s_root;

    private DuckDbSalesAnalytics _analytics = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await Gate.WaitAsync();
        try
        {
            s_root ??= await WriteLakeAsync();
        }
        finally
        {
            Gate.Release();
        }

        _analytics = new DuckDbSalesAnalytics(new LakeOptions { RootDirectory = s_root }, TimeProvider.System);
        var count = await _analytics.CountRowsAsync(Tenant, CancellationToken.None);
        if (count != Rows)
        {
            throw new InvalidOperationException($"The lake holds {count} rows, expected {Rows}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _analytics.Dispose();

    [Benchmark]
    public async Task<int> MonthlyTrendAsync() =>
        (await _analytics.MonthlyTrendAsync(Tenant, Year2025, CancellationToken.None)).Count;

    [Benchmark]
    public async Task<int> BrandPerformanceAsync() =>
        (await _analytics.BrandPerformanceAsync(Tenant, AnalyticsFilter.None, AsOf, 90, 10, CancellationToken.None)).Count;

    /// <summary>The fixed cost of a query: opening DuckDB, listing the files and reading their footers.</summary>
    [Benchmark]
    public Task<long> CountRowsAsync() => _analytics.CountRowsAsync(Tenant, CancellationToken.None);

    private static async Task<string> WriteLakeAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "portal-bench-lake", Guid.NewGuid().ToString("N"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        };

        var lake = new ParquetSalesLake(new LakeOptions { RootDirectory = root }, TimeProvider.System);
        var random = new Random(42);
        var span = (AsOf - Start).TotalSeconds;
        var stopwatch = Stopwatch.StartNew();
        var files = 0;
        for (var offset = 0; offset < Rows; offset += BatchSize)
        {
            var batch = new List<LakeRow>(BatchSize);
            for (var i = offset; i < offset + BatchSize; i++)
            {
                var category = Categories[random.Next(Categories.Length)];
                batch.Add(new LakeRow(new SaleRecord
                {
                    Tenant = Tenant,
                    ProductId = $"p{i}",
                    SaleId = $"s{i}",
                    Category = category,
                    Brand = $"brand-{random.Next(60):D2}",
                    Condition = ItemConditions.All[random.Next(ItemConditions.All.Count)],
                    Title = $"{category} item {i}",
                    SoldPrice = Math.Round((decimal)(5 + random.NextDouble() * 495), 2),
                    Currency = "SGD",
                    SoldAt = Start.AddSeconds(random.NextDouble() * span),
                    ImageKey = $"images/bench/{i}.jpg",
                    Source = "carousel",
                }, null));
            }

            files += (await lake.AppendAsync(batch, CancellationToken.None)).Count;
        }

        Console.WriteLine($"// Lake: wrote {Rows:N0} rows in {files} files in {stopwatch.Elapsed.TotalSeconds:F1} s ({root})");
        return root;
    }
}
