using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales.Feed;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench feed</c>: the change-feed floors on the embedded default (<c>--provider local</c>, one SQLite file) or on
/// DynamoDB (<c>--provider aws</c>: the sales table and its GSI-FEED on dynalite, or on <c>--dynamodb-url</c>). One writer (as
/// the worker writes: micro-batches of sales with their outbox rows) and several followers, each with its own store instance
/// (its own connections, as another process has), its own index and the real <see cref="SalesFeedFollower"/>. Prints write →
/// comparable latency at a fixed rate, the followers' CPU (and, on DynamoDB, requests) when idle, and the time to load an index.
/// </summary>
internal static class BenchFeedCommand
{
    private const string Tenant = "bench";

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("rate", "seconds", "portals", "idle-seconds", "load-sales", "dimension", "data-dir", "short", "provider", "dynamodb-url");
        var quick = args.Has("short");
        var provider = (args.Get("provider") ?? "local").ToLowerInvariant();
        if (provider is not ("local" or "aws"))
        {
            throw new CliUsageException($"--provider must be 'local' or 'aws', not '{provider}'.");
        }

        if (args.Has("dynamodb-url") && provider != "aws")
        {
            throw new CliUsageException("--dynamodb-url needs --provider aws.");
        }

        var rate = args.GetInt("rate", 100);
        var seconds = args.GetInt("seconds", quick ? 5 : 60);
        var portals = args.GetInt("portals", 2);
        var idleSeconds = args.GetInt("idle-seconds", quick ? 5 : 30);
        // dynalite writes a few hundred sales a second: its default load is what finishes in minutes.
        var loadSales = args.GetInt("load-sales", (quick, provider) switch { (true, _) => 20_000, (false, "aws") => 20_000, _ => 1_000_000 });
        var dimension = args.GetInt("dimension", 512);
        var root = args.Get("data-dir") ?? Directory.CreateTempSubdirectory("portal-bench-feed-").FullName;
        try
        {
            await using FeedBenchStorage storage = provider == "aws"
                ? await DynamoDbFeedBenchStorage.StartAsync(args.Get("dynamodb-url"), cancellationToken)
                : new SqliteFeedBenchStorage(root);
            Console.WriteLine($"portal bench feed: {storage.Name}, data in {root}");
            await FreshnessAndIdleAsync(storage, rate, seconds, portals, idleSeconds, dimension, cancellationToken);
            if (loadSales > 0)
            {
                await LoadAsync(storage, loadSales, dimension, cancellationToken);
            }
        }
        finally
        {
            if (args.Get("data-dir") is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return 0;
    }

    private static async Task FreshnessAndIdleAsync(
        FeedBenchStorage storage, int rate, int seconds, int portals, int idleSeconds, int dimension, CancellationToken cancellationToken)
    {
        await storage.PrepareAsync("feed", cancellationToken);
        var writer = storage.Open("feed");
        using var writerOwner = writer.Owner;
        var options = new SalesFeedOptions();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var followers = await StartFollowersAsync(storage, portals, options, stop.Token, cancellationToken);
        var total = rate * seconds;
        using (var probe = new FreshnessProbe(followers.Select(f => f.Index).ToArray(), new TenantId(Tenant), cancellationToken))
        {
            await WriteAtRateAsync(writer, rate, total, dimension, probe, cancellationToken);
            var sorted = await probe.CompleteAsync(TimeSpan.FromSeconds(30), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"write → comparable in every portal: {total} sales at {rate}/s for {seconds} s, {portals} portal(s), poll {options.PollInterval.TotalMilliseconds:0} ms: " +
                $"p50 {Percentile(sorted, 0.50):0} ms, p99 {Percentile(sorted, 0.99):0} ms, max {sorted.LastOrDefault():0} ms, missing {probe.Missing} (floors p50 ≤ 1000, p99 ≤ 2000)"));
        }

        await MeasureIdleAsync(followers, options, idleSeconds, total, cancellationToken);
        await stop.CancelAsync();
        foreach (var (store, _, follower) in followers)
        {
            await follower.StopAsync(CancellationToken.None);
            follower.Dispose();
            store.Owner.Dispose();
        }
    }

    /// <summary>A portal: its own store instance (its own connections, as another process has), its own index and follower.</summary>
    private sealed record BenchFollower(FeedBenchStore Store, InMemorySalesIndex Index, SalesFeedFollower Follower);

    private static async Task<List<BenchFollower>> StartFollowersAsync(
        FeedBenchStorage storage, int portals, SalesFeedOptions options, CancellationToken stop, CancellationToken cancellationToken)
    {
        var followers = new List<BenchFollower>();
        for (var i = 0; i < portals; i++)
        {
            var store = storage.Open("feed");
            var index = new InMemorySalesIndex();
            var loader = new SalesIndexLoader(store.Store, index, TimeProvider.System);
            await loader.LoadAsync(cancellationToken);
            var status = new SalesFeedStatus(TimeProvider.System, $"portal-{i + 1}");
            var follower = new SalesFeedFollower(store.Feed, store.Store, index, loader, status, new SalesFeedMetrics(status),
                new AlertPublisher([], NullLogger<AlertPublisher>.Instance), Options.Create(options), TimeProvider.System,
                NullLogger<SalesFeedFollower>.Instance);
            await follower.StartAsync(stop);
            followers.Add(new BenchFollower(store, index, follower));
        }

        return followers;
    }

    /// <summary>Writes <paramref name="total"/> sales at <paramref name="rate"/> a second in micro-batches every 100 ms, as the pipeline commits them.</summary>
    private static async Task WriteAtRateAsync(FeedBenchStore writer, int rate, int total, int dimension, FreshnessProbe probe, CancellationToken cancellationToken)
    {
        var random = new Random(7);
        var perBatch = Math.Max(1, rate / 10);
        var clock = Stopwatch.StartNew();
        var next = 0;
        while (next < total)
        {
            var due = (long)(next / (double)rate * 1000);
            var wait = due - clock.ElapsedMilliseconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
            }

            var batch = Enumerable.Range(next, Math.Min(perBatch, total - next))
                .Select(i => new SaleWithPhotos(Sale(i, DateTimeOffset.UtcNow), new StoredEmbedding("bench", BenchSales.Vector(random, dimension))))
                .ToList();
            await writer.Outbox.AddSalesWithPhotosAsync(batch, cancellationToken);
            probe.Written(batch.Select(sale => sale.Sale.SaleId), Stopwatch.GetTimestamp());
            next += batch.Count;
        }
    }

    /// <summary>
    /// Idle: nothing written; only the followers run, once the last writes have left their overlap window (until then every
    /// poll still re-reads them).
    /// </summary>
    private static async Task MeasureIdleAsync(List<BenchFollower> followers, SalesFeedOptions options, int idleSeconds, int total, CancellationToken cancellationToken)
    {
        await Task.Delay(options.Overlap + options.PollInterval, cancellationToken);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var requestsBefore = followers.Sum(f => f.Store.Requests());
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds), cancellationToken);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / idle.Elapsed.TotalSeconds / followers.Count * 100;
        var requests = (followers.Sum(f => f.Store.Requests()) - requestsBefore) / idle.Elapsed.TotalSeconds / followers.Count;
        var requestLine = requests > 0 ? string.Create(CultureInfo.InvariantCulture, $", {requests:0.0} store requests/s per portal") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle feed polling: {cpu:0.00} % of one core per portal over {idleSeconds} s ({total} sales in the store; floor 2 %){requestLine}"));
    }

    /// <summary>Write → comparable latency: each portal's latency for a sale is taken when its index first holds the sale.</summary>
    private sealed class FreshnessProbe : IDisposable
    {
        private readonly IReadOnlyList<InMemorySalesIndex> _indexes;
        private readonly TenantId _tenant;
        private readonly ConcurrentDictionary<string, long>[] _pending;
        private readonly ConcurrentBag<double> _latencies = [];
        private readonly CancellationTokenSource _checking;
        private readonly Task _checker;

        public FreshnessProbe(IReadOnlyList<InMemorySalesIndex> indexes, TenantId tenant, CancellationToken cancellationToken)
        {
            _indexes = indexes;
            _tenant = tenant;
            _pending = indexes.Select(_ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal)).ToArray();
            _checking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _checker = Task.Run(CheckAsync, CancellationToken.None);
        }

        /// <summary>The sales no portal's index held when the probe completed, summed over portals.</summary>
        public int Missing => _pending.Sum(p => p.Count);

        /// <summary>Marks sales written at <paramref name="timestamp"/> (after the commit returned), pending in every portal.</summary>
        public void Written(IEnumerable<string> saleIds, long timestamp)
        {
            foreach (var saleId in saleIds)
            {
                foreach (var pending in _pending)
                {
                    pending[saleId] = timestamp;
                }
            }
        }

        /// <summary>Waits until every portal holds every sale (or the timeout), stops checking, returns the sorted latencies in ms.</summary>
        public async Task<double[]> CompleteAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.StartNew();
            while (_pending.Any(p => !p.IsEmpty) && deadline.Elapsed < timeout)
            {
                await Task.Delay(50, cancellationToken);
            }

            await _checking.CancelAsync();
            await _checker;
            return _latencies.Order().ToArray();
        }

        public void Dispose() => _checking.Dispose();

        private async Task CheckAsync()
        {
            while (!_checking.IsCancellationRequested)
            {
                for (var p = 0; p < _indexes.Count; p++)
                {
                    foreach (var (saleId, at) in _pending[p])
                    {
                        if (_indexes[p].Contains(_tenant, saleId) && _pending[p].TryRemove(saleId, out _))
                        {
                            _latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                        }
                    }
                }

                await Task.Delay(5, CancellationToken.None);
            }
        }
    }

    private static async Task LoadAsync(FeedBenchStorage storage, int sales, int dimension, CancellationToken cancellationToken)
    {
        await storage.PrepareAsync("load", cancellationToken);
        var writer = storage.Open("load");
        using (writer.Owner)
        {
            var random = new Random(11);
            var now = DateTimeOffset.UtcNow;
            var write = Stopwatch.StartNew();
            const int Batch = 5_000;
            for (var from = 0; from < sales; from += Batch)
            {
                var batch = Enumerable.Range(from, Math.Min(Batch, sales - from))
                    .Select(i => (Sale(i, now.AddMinutes(-i % 500_000)), (StoredEmbedding?)new StoredEmbedding("bench", BenchSales.Vector(random, dimension))))
                    .ToList();
                await writer.Store.AddSalesAsync(batch, cancellationToken);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {sales} sales × {dimension}-d in {write.Elapsed.TotalSeconds:0.0} s = {sales / write.Elapsed.TotalSeconds:0} sales/s{storage.Size("load")}"));
        }

        var store = storage.Open("load");
        using var owner = store.Owner;
        var index = new InMemorySalesIndex();
        var loader = new SalesIndexLoader(store.Store, index, TimeProvider.System);
        var load = Stopwatch.StartNew();
        await loader.LoadAsync(cancellationToken);
        var memory = index.GetMemoryUsage();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"index load: {loader.SalesLoaded} sales in {load.Elapsed.TotalSeconds:0.0} s = {loader.SalesLoaded / load.Elapsed.TotalSeconds:0} sales/s, " +
            $"vectors {memory.Float32Bytes / 1e9:0.00} GB (floor: 1M ≤ 60 s on the embedded default)"));
    }

    private static SaleRecord Sale(int i, DateTimeOffset soldAt) => BenchSales.Sale(new TenantId(Tenant), i, soldAt);

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
