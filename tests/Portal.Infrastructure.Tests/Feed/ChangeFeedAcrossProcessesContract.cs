using System.Diagnostics;
using System.Globalization;
using System.Text;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Infrastructure.Tests.Sqs;
using Xunit.Abstractions;

namespace Portal.Infrastructure.Tests.Feed;

/// <summary>
/// Several real hosts on one store, as each provider runs them: a sale written by any of them — the worker from its queue,
/// a portal from <c>POST /api/events</c>, <c>portal import</c> — becomes a comparable in every portal without a restart, and a
/// portal killed while sales stream in comes back with every sale exactly once. One class per provider: the embedded default
/// (one data folder on one machine) and AWS (dynalite and s3rver).
/// </summary>
public abstract class ChangeFeedAcrossProcessesContract(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Generous: this checks that a sale arrives, not how fast (<c>portal bench feed</c> measures that).</summary>
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(90);

    private readonly string _data = Directory.CreateTempSubdirectory("portal-feed-").FullName;
    private FakeSqsServer _sqs = null!;
    private ClusterStorage? _storage;
    private PortalCluster _cluster = null!;

    /// <summary>The provider's storage under <paramref name="dataDirectory"/>, ready for hosts to start on.</summary>
    private protected abstract Task<ClusterStorage> CreateStorageAsync(string dataDirectory);

    public async Task InitializeAsync()
    {
        _sqs = await FakeSqsServer.StartAsync(TimeProvider.System);
        var dlq = _sqs.CreateQueue("feed-events-dlq");
        _storage = await CreateStorageAsync(_data);
        _cluster = new PortalCluster(_storage, _sqs, _sqs.CreateQueue("feed-events", dlq, maxReceiveCount: 5));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        await _sqs.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp folder is left for the OS to clean.
        }
    }

    [Fact]
    public Task SalesWrittenByTheWorkerAnotherPortalOrAnImportBecomeComparablesInEveryPortal() => WithOutputOnFailureAsync(async () =>
    {
        var photos = await StorePhotosAsync(3);
        var now = DateTimeOffset.UtcNow.AddMinutes(-10);
        var portalA = _cluster.StartPortal("portal-a");
        var portalB = _cluster.StartPortal("portal-b");
        _cluster.StartWorker("worker");
        await portalA.WaitReadyAsync(StartTimeout);
        await portalB.WaitReadyAsync(StartTimeout);

        // Three sales per writer, each writer its own category and photo, so each writer's comparables are only its own.
        var byWorker = Sales("w", "feed-worker", photos[0].Key, 3, now);
        var byPortalA = Sales("a", "feed-portal", photos[1].Key, 3, now);
        await _cluster.SendToQueueAsync(byWorker);
        await portalA.PostEventsAsync(byPortalA);
        await _cluster.ImportAsync(WriteManifest("feed-import", photos[2].Bytes, 3, now), Path.Combine(_data, "import"));
        var byImport = await _cluster.StoredSaleIdsAsync("feed-import");
        Assert.Equal(3, byImport.Count);

        foreach (var portal in new[] { portalB, portalA })
        {
            var fromWorker = await portal.WaitForComparablesAsync(photos[0].Bytes, "feed-worker", [.. byWorker.Select(s => s.SaleId)], ArrivalTimeout);
            var fromPortal = await portal.WaitForComparablesAsync(photos[1].Bytes, "feed-portal", [.. byPortalA.Select(s => s.SaleId)], ArrivalTimeout);
            var fromImport = await portal.WaitForComparablesAsync(photos[2].Bytes, "feed-import", byImport, ArrivalTimeout);
            output.WriteLine($"{portal.Name}: worker's sales after {fromWorker.TotalSeconds:0.0} s, portal A's {fromPortal.TotalSeconds:0.0} s, the import's {fromImport.TotalSeconds:0.0} s more");
        }

        var feed = await portalB.FeedHealthAsync();
        output.WriteLine($"portal-b feed: {feed.ToJsonString()}");
        Assert.Equal(9, feed["data"]!["indexSales"]!.GetValue<long>());
    });

    [Fact]
    public Task PortalKilledWhileSalesStreamInComesBackWithEverySaleOnce() => WithOutputOnFailureAsync(async () =>
    {
        const int Total = 240;
        var photos = await StorePhotosAsync(4);
        var now = DateTimeOffset.UtcNow.AddMinutes(-30);
        var port = FreePort();
        var portal = _cluster.StartPortal("portal-1", port);
        _cluster.StartWorker("worker");
        await portal.WaitReadyAsync(StartTimeout);

        var sales = Enumerable.Range(0, Total)
            .Select(i => new FeedSale($"k-{i:D4}", $"ks-{i:D4}", "feed-stream", photos[i % photos.Count].Key, now.AddSeconds(i)))
            .ToList();
        var sending = _cluster.SendToQueueAsync(sales);

        // Killed once its index has followed part of the stream, with most of it still to come.
        var clock = Stopwatch.StartNew();
        while ((await portal.FeedHealthAsync())["data"]!["indexSales"]!.GetValue<long>() < Total / 6)
        {
            Assert.True(clock.Elapsed < ArrivalTimeout, "The portal's index never followed the first sales.");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        await portal.Process.KillHardAsync(TimeSpan.FromSeconds(30));
        var storedAtKill = (await _cluster.StoredSaleIdsAsync()).Count;
        output.WriteLine($"portal-1 killed at {clock.Elapsed.TotalSeconds:0.0} s with {storedAtKill} of {Total} sales stored");
        Assert.True(storedAtKill < Total, "The stream was over before the portal was killed: nothing was tested mid-feed.");

        var restarted = _cluster.StartPortal("portal-2", port);
        await restarted.WaitReadyAsync(StartTimeout);
        await sending;

        // Every sale, once: the index holds exactly the store's sales, and every sale of each photo is a comparable once.
        var deadline = Stopwatch.StartNew();
        long indexed = 0;
        while (deadline.Elapsed < ArrivalTimeout)
        {
            var stored = (await _cluster.StoredSaleIdsAsync()).Count;
            indexed = (await restarted.FeedHealthAsync())["data"]!["indexSales"]!.GetValue<long>();
            if (stored == Total && indexed == Total)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(Total, (await _cluster.StoredSaleIdsAsync()).Count);
        Assert.Equal(Total, indexed);
        var comparables = await restarted.ComparableSaleIdsAsync(photos[0].Bytes, "feed-stream");
        Assert.NotEmpty(comparables);
        Assert.Equal(comparables.Count, comparables.Distinct(StringComparer.Ordinal).Count());
        Assert.All(comparables, id => Assert.Equal(0, int.Parse(id[3..], CultureInfo.InvariantCulture) % photos.Count));
    });

    private static List<FeedSale> Sales(string prefix, string category, string imageKey, int count, DateTimeOffset soldAt) =>
        [.. Enumerable.Range(0, count).Select(i => new FeedSale($"{prefix}-p{i}", $"{prefix}-sale-{i}", category, imageKey, soldAt.AddSeconds(i)))];

    /// <summary>Distinct photos in the shared image store (the worker and the portals read them by key).</summary>
    private async Task<IReadOnlyList<(string Key, byte[] Bytes)>> StorePhotosAsync(int count)
    {
        var photos = new List<(string, byte[])>();
        for (var seed = 1; seed <= count; seed++)
        {
            var bytes = ImagingTestData.Jpeg(320, 240, 100 + seed);
            photos.Add((await _cluster.Images.SaveAsync(PortalCluster.Tenant, bytes, "image/jpeg", CancellationToken.None), bytes));
        }

        return photos;
    }

    /// <summary>A manifest of <paramref name="count"/> sales of one photo, for <c>portal import</c>.</summary>
    private string WriteManifest(string category, byte[] photo, int count, DateTimeOffset soldAt)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_data, "import")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "photo.jpg"), photo);
        var csv = new StringBuilder("image,category,price,currency,date,brand,title,condition\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"photo.jpg,{category},{30 + i},EUR,{soldAt.AddDays(-i):yyyy-MM-dd},Nordvik,Imported shoes {i},very_good\n");
        }

        var manifest = Path.Combine(folder, "manifest.csv");
        File.WriteAllText(manifest, csv.ToString());
        return manifest;
    }

    private async Task WithOutputOnFailureAsync(Func<Task> scenario)
    {
        var passed = false;
        try
        {
            await scenario();
            passed = true;
        }
        finally
        {
            if (!passed)
            {
                foreach (var line in _cluster.Output.TakeLast(400))
                {
                    output.WriteLine(line);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Clusters of real processes run one at a time: each is several hosts already.</summary>
[CollectionDefinition(Name)]
public sealed class PortalClusterCollection
{
    public const string Name = "portal cluster";
}
