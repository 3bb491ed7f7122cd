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

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>A sold event parked for its predecessor keeps its photo: retries never go back to the image host.</summary>
public sealed class ParkedSalePhotoTests(OnnxEmbedderFixture model) : IClassFixture<OnnxEmbedderFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task AParkedSoldEventFetchesItsPhotoOnceAcrossEveryRetry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var photos = new LoopbackImageHost();
        photos.MapBytes("sold.jpg", ImagingTestData.Jpeg(seed: 21), "image/jpeg");
        using var sync = new SyncHarness(time, new SyncOptions { RetryBaseDelay = TimeSpan.Zero }, images: folder => Resolver(folder, time));
        var at = time.GetUtcNow().AddMinutes(-5);

        var sold = await sync.SubmitAsync(Events.Sold("p-photo", at.AddMinutes(1), imageUrl: photos.Url("sold.jpg")));
        Assert.Equal(EventOutcomeStatus.Parked, sold.Outcomes[0].Status);
        for (var cycle = 0; cycle < 4; cycle++)
        {
            time.Advance(sync.Options.ParkedRetryInterval);
            await sync.Pipeline.RetryAllParkedAsync(Ct);
        }

        Assert.Equal(1, await sync.Parked.CountAsync(Ct));
        var listed = await sync.SubmitAsync(Events.Listed("p-photo", at));

        Assert.Equal(EventOutcomeStatus.Accepted, listed.Outcomes[0].Status);
        Assert.Equal(0, await sync.Parked.CountAsync(Ct));
        var sale = await sync.Store.GetSaleAsync(new TenantId(SyncHarness.Tenant), "sale-p-photo", Ct);
        Assert.NotNull(sale?.ImageKey);
        Assert.StartsWith("demo/", sale.ImageKey, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref photos.Requests));
    }

    private SaleImageResolver Resolver(string folder, TimeProvider time) => new(
        new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(folder, "images") }),
        new ImageInspector(),
        model.Embedder,
        new SqliteImageEmbeddingStore(Path.Combine(folder, "sales.db"), time),
        Options.Create(new SaleImageOptions { AllowPrivateNetworks = true }));
}
