using Microsoft.Data.Sqlite;
using Portal.Core.Images;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Aws.Bedrock;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Testing.Aws.Bedrock;

namespace Portal.Infrastructure.Tests.Reembedding;

/// <summary>
/// The re-embedding job over a real SQLite store and a real image folder, with Titan through the Bedrock stand-in (and the
/// real ResNet18 model for the way back).
/// </summary>
public sealed class ReembeddingJobTests : IClassFixture<FakeBedrockFixture>, IClassFixture<OnnxEmbedderFixture>, IDisposable
{
    private const string Titan = "amazon.titan-embed-image-v1:1024";
    private static readonly TenantId Shop = new("shop");
    private static readonly TenantId Other = new("other");

    private readonly FakeBedrockServer _bedrock;
    private readonly OnnxImageEmbedder _onnx;
    private readonly BedrockTestServices _services;
    private readonly SqliteSalesStore _store;
    private readonly FileImageStore _images;
    private readonly Dictionary<string, byte[]> _photos = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNow();

    public ReembeddingJobTests(FakeBedrockFixture fixture, OnnxEmbedderFixture onnx)
    {
        _bedrock = fixture.Reset();
        _onnx = onnx.Embedder;
        _services = new BedrockTestServices(_bedrock.ServiceUrl);
        _store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_services.DataDirectory, "sales.db") }, TimeProvider.System);
        _images = new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(_services.DataDirectory, "images") });
    }

    [Fact]
    public async Task MovesEverySaleWithAPhotoToTheNewModelAndSkipsSalesWithout()
    {
        await SeedAsync(Shop, withPhoto: 5, withoutPhoto: 1, distinctPhotos: 4);
        var callsBefore = _bedrock.CallCount(FakeBedrockServer.TitanModelId);
        var progress = new RecordingProgress();

        var result = await TitanJob().RunAsync(new JobContext(Guid.NewGuid(), "test", progress), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal($"5/5 re-embedded, 1 skipped (no image), 0 already on {Titan}", result.Summary);
        Assert.Equal(result.Summary, progress.Reports[^1].Message);
        Assert.Equal((5L, (long?)5), (progress.Reports[^1].Done, progress.Reports[^1].Total));
        // Two sales share a photo: Titan sees each photo once.
        Assert.Equal(callsBefore + 4, _bedrock.CallCount(FakeBedrockServer.TitanModelId));
        await foreach (var (sale, embedding) in _store.StreamSalesAsync(Shop, CancellationToken.None))
        {
            if (sale.ImageKey is null)
            {
                Assert.Equal(OnnxImageEmbedder.ModelIdValue, embedding!.ModelId);
                continue;
            }

            Assert.Equal(Titan, embedding!.ModelId);
            Assert.Equal(1024, embedding.Dimension);
            var expected = FakeBedrockServer.VectorFor(_photos[sale.ImageKey], 1024);
            Assert.Equal(expected[0], embedding.Vector[0], 5);
            Assert.Equal(expected[1023], embedding.Vector[1023], 5);
        }
    }

    [Fact]
    public async Task RerunFindsNothingLeftToDo()
    {
        await SeedAsync(Shop, withPhoto: 3, withoutPhoto: 1, distinctPhotos: 3);
        await TitanJob().ReembedAsync(null, CancellationToken.None);
        var callsBefore = _bedrock.Calls.Count;

        var report = await TitanJob().ReembedAsync(null, CancellationToken.None);

        Assert.Equal(new ReembeddingReport(Titan, ToProcess: 0, Reembedded: 0, AlreadyOnModel: 3, NoImage: 1, ImageUnavailable: 0, Failed: 0), report);
        Assert.Equal(callsBefore, _bedrock.Calls.Count);
    }

    [Fact]
    public async Task StoppedRunResumesWithTheSalesNotYetDone()
    {
        await SeedAsync(Shop, withPhoto: 6, withoutPhoto: 0, distinctPhotos: 6);
        using var stop = new CancellationTokenSource();
        var progress = new RecordingProgress(onReport: p =>
        {
            if (p.Done == 2)
            {
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TitanJob().ReembedAsync(progress, stop.Token));
        var resumed = await TitanJob().ReembedAsync(null, CancellationToken.None);

        Assert.Equal(2, resumed.AlreadyOnModel);
        Assert.Equal(4, resumed.Reembedded);
        Assert.Equal(4, resumed.ToProcess);
    }

    [Fact]
    public async Task OnlyTheChosenTenantMoves()
    {
        await SeedAsync(Shop, withPhoto: 2, withoutPhoto: 0, distinctPhotos: 2);
        await SeedAsync(Other, withPhoto: 2, withoutPhoto: 0, distinctPhotos: 2);

        var report = await TitanJob(Other).ReembedAsync(null, CancellationToken.None);

        Assert.Equal(2, report.Reembedded);
        Assert.All(await EmbeddingsAsync(Other), e => Assert.Equal(Titan, e.ModelId));
        Assert.All(await EmbeddingsAsync(Shop), e => Assert.Equal(OnnxImageEmbedder.ModelIdValue, e.ModelId));
    }

    [Fact]
    public async Task SaleWhosePhotoIsGoneKeepsItsEmbeddingAndIsCounted()
    {
        await SeedAsync(Shop, withPhoto: 2, withoutPhoto: 0, distinctPhotos: 2);
        var gone = await _images.SaveAsync(Shop.Value, TitanImageEmbeddingGeneratorTests.Jpeg(120, 90, seed: 999), "image/jpeg", CancellationToken.None);
        await _store.AddSaleAsync(Sale(Shop, "gone", gone), new StoredEmbedding(OnnxImageEmbedder.ModelIdValue, RandomVector(512, 1)), CancellationToken.None);
        File.Delete(Directory.EnumerateFiles(Path.Combine(_services.DataDirectory, "images"), "*", SearchOption.AllDirectories).Single(f => f.Contains(Path.GetFileNameWithoutExtension(gone), StringComparison.Ordinal)));

        var report = await TitanJob().ReembedAsync(null, CancellationToken.None);

        Assert.Equal(2, report.Reembedded);
        Assert.Equal(1, report.ImageUnavailable);
        Assert.Contains("1 with a missing or unreadable image", report.Summary, StringComparison.Ordinal);
        Assert.Equal(OnnxImageEmbedder.ModelIdValue, (await EmbeddingsAsync(Shop, "gone")).Single().ModelId);
    }

    [Fact]
    public async Task MovesBackToTheLocalModelWithRealResNetVectors()
    {
        await SeedAsync(Shop, withPhoto: 2, withoutPhoto: 0, distinctPhotos: 2);
        await TitanJob().ReembedAsync(null, CancellationToken.None);

        var report = await new ReembeddingJob(_store, _images, _services.EmbeddingStore, _onnx).ReembedAsync(null, CancellationToken.None);

        Assert.Equal(2, report.Reembedded);
        await foreach (var (sale, embedding) in _store.StreamSalesAsync(Shop, CancellationToken.None))
        {
            Assert.Equal(OnnxImageEmbedder.ModelIdValue, embedding!.ModelId);
            Assert.Equal(await _onnx.EmbedAsync(_photos[sale.ImageKey!], CancellationToken.None), embedding.Vector);
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        _services.Dispose();
    }

    private ReembeddingJob TitanJob(TenantId? tenant = null) =>
        new(_store, _images, _services.EmbeddingStore, _services.Get<TitanImageEmbeddingGenerator>(), tenant);

    /// <summary>Sales on the local model (random 512-d vectors): some with photos (the last two sharing one when fewer
    /// distinct photos than sales are asked for), some without.</summary>
    private async Task SeedAsync(TenantId tenant, int withPhoto, int withoutPhoto, int distinctPhotos)
    {
        var keys = new List<string>();
        for (var i = 0; i < distinctPhotos; i++)
        {
            var photo = TitanImageEmbeddingGeneratorTests.Jpeg(320, 240, seed: (tenant.Value.GetHashCode(StringComparison.Ordinal) & 0xFFFF) + i);
            var key = await _images.SaveAsync(tenant.Value, photo, "image/jpeg", CancellationToken.None);
            _photos[key] = photo;
            keys.Add(key);
        }

        var sales = new List<(SaleRecord, StoredEmbedding?)>();
        for (var i = 0; i < withPhoto; i++)
        {
            sales.Add((Sale(tenant, $"s{i}", keys[Math.Min(i, distinctPhotos - 1)]), new StoredEmbedding(OnnxImageEmbedder.ModelIdValue, RandomVector(512, i))));
        }

        for (var i = 0; i < withoutPhoto; i++)
        {
            sales.Add((Sale(tenant, $"n{i}", null), new StoredEmbedding(OnnxImageEmbedder.ModelIdValue, RandomVector(512, 100 + i))));
        }

        Assert.Equal(sales.Count, await _store.AddSalesAsync(sales, CancellationToken.None));
    }

    private SaleRecord Sale(TenantId tenant, string saleId, string? imageKey) => new()
    {
        Tenant = tenant,
        ProductId = $"p-{saleId}",
        SaleId = saleId,
        Category = "shoes",
        Brand = "nordvik",
        Condition = ItemCondition.Good,
        SoldPrice = 40m,
        Currency = "EUR",
        SoldAt = _now.AddDays(-10),
        ImageKey = imageKey,
    };

    private async Task<List<StoredEmbedding>> EmbeddingsAsync(TenantId tenant, string? saleId = null)
    {
        var embeddings = new List<StoredEmbedding>();
        await foreach (var (sale, embedding) in _store.StreamSalesAsync(tenant, CancellationToken.None))
        {
            if (saleId is null || sale.SaleId == saleId)
            {
                embeddings.Add(embedding!);
            }
        }

        return embeddings;
    }

    private static float[] RandomVector(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() - 0.5f)];
    }

    private sealed class RecordingProgress(Action<JobProgress>? onReport = null) : IProgress<JobProgress>
    {
        public List<JobProgress> Reports { get; } = [];

        public void Report(JobProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
