using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Images;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The sync intake's photo fetcher against real loopback hosts: a slow host gets its share of slots and no more; one photo, one fetch.</summary>
public sealed class SalePhotoFetcherTests(OnnxEmbedderFixture model) : IClassFixture<OnnxEmbedderFixture>, IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private static readonly TenantId Demo = new("demo");
    private readonly TempFolder _folder = new();
    private readonly LoopbackImageHost _slow = new();
    private readonly LoopbackImageHost _fast = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _owned = [];
    private int _holding;

    [Fact]
    public async Task ASlowHostHoldsAtMostItsPerHostSlotsWhileAnotherHostsPhotoIsFetched()
    {
        var jpeg = ImagingTestData.Jpeg(seed: 41);
        var twoHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 3; i++)
        {
            _slow.Map($"slow-{i}.jpg", async response =>
            {
                if (Interlocked.Increment(ref _holding) == 2)
                {
                    twoHeld.TrySetResult();
                }

                await _release.Task;
                response.ContentType = "image/jpeg";
                await response.OutputStream.WriteAsync(jpeg);
            });
        }

        _fast.MapBytes("fast.jpg", ImagingTestData.Jpeg(seed: 42), "image/jpeg");
        var fetcher = Fetcher(maxConcurrent: 3, perHost: 2);

        var slow = Enumerable.Range(0, 3).Select(i => fetcher.FetchAsync(Demo, _slow.Url($"slow-{i}.jpg"), CancellationToken.None)).ToList();
        await twoHeld.Task.WaitAsync(Guard);
        var fast = await fetcher.FetchAsync(Demo, _fast.Url("fast.jpg"), CancellationToken.None).WaitAsync(Guard);

        Assert.NotNull(fast.Image);
        Assert.Equal(2, Volatile.Read(ref _slow.Requests));
        Assert.All(slow, s => Assert.False(s.IsCompleted));

        _release.TrySetResult();
        var done = await Task.WhenAll(slow).WaitAsync(Guard);
        Assert.All(done, d => Assert.NotNull(d.Image));
        Assert.Equal(3, Volatile.Read(ref _slow.Requests));
    }

    [Fact]
    public async Task ConcurrentRequestsForOnePhotoShareOneFetch()
    {
        var jpeg = ImagingTestData.Jpeg(seed: 43);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _slow.Map("one.jpg", async response =>
        {
            arrived.TrySetResult();
            await _release.Task;
            response.ContentType = "image/jpeg";
            await response.OutputStream.WriteAsync(jpeg);
        });
        var fetcher = Fetcher(maxConcurrent: 8, perHost: 2);

        var first = fetcher.FetchAsync(Demo, _slow.Url("one.jpg"), CancellationToken.None);
        await arrived.Task.WaitAsync(Guard);
        var others = Enumerable.Range(0, 5).Select(_ => fetcher.FetchAsync(Demo, _slow.Url("one.jpg"), CancellationToken.None)).ToList();
        _release.TrySetResult();
        var results = await Task.WhenAll(others.Prepend(first)).WaitAsync(Guard);

        Assert.All(results, r => Assert.Equal(results[0].Image!.ImageKey, r.Image!.ImageKey));
        Assert.Equal(1, Volatile.Read(ref _slow.Requests));
    }

    public void Dispose()
    {
        _release.TrySetResult();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _slow.Dispose();
        _fast.Dispose();
        _folder.Dispose();
    }

    private SalePhotoFetcher Fetcher(int maxConcurrent, int perHost)
    {
        // Fake time: the deadline never passes on its own, so only the hosts decide when a fetch ends.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new SaleImageOptions { AllowPrivateNetworks = true, MaxConcurrentFetches = maxConcurrent, MaxConcurrentFetchesPerHost = perHost });
        var embeddings = new SqliteImageEmbeddingStore(Path.Combine(_folder.Path, "sales.db"), time);
        var resolver = new SaleImageResolver(new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(_folder.Path, "images") }),
            new ImageInspector(), model.Embedder, embeddings, options, time);
        var fetcher = new SalePhotoFetcher(resolver, options, Options.Create(new SyncOptions()), time, NullLogger<SalePhotoFetcher>.Instance);
        _owned.AddRange([fetcher, resolver, embeddings]);
        return fetcher;
    }
}
