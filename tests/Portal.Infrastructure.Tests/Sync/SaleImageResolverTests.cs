using System.Net;
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

public sealed class SaleImageResolverTests : IClassFixture<OnnxEmbedderFixture>, IDisposable
{
    private static readonly TenantId Demo = new("demo");
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OnnxEmbedderFixture _model;
    private readonly TempFolder _folder = new();
    private readonly LoopbackImageHost _host = new();
    private readonly FileImageStore _images;
    private readonly SqliteImageEmbeddingStore _embeddings;
    private readonly List<SaleImageResolver> _resolvers = [];

    public SaleImageResolverTests(OnnxEmbedderFixture model)
    {
        _model = model;
        _images = new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(_folder.Path, "images") });
        _embeddings = new SqliteImageEmbeddingStore(Path.Combine(_folder.Path, "sales.db"), new FakeTimeProvider());
    }

    [Fact]
    public async Task FetchesAPhotoByUrlStoresItUnderAGeneratedKeyAndEmbedsItOnce()
    {
        var jpeg = ImagingTestData.Jpeg(seed: 7);
        _host.MapBytes("photos/7.jpg", jpeg, "image/jpeg");
        var resolver = Resolver();

        var first = await resolver.ResolveAsync(Demo, null, _host.Url("photos/7.jpg"), Ct);
        var again = await resolver.ResolveAsync(Demo, first.ImageKey, null, Ct);

        Assert.StartsWith("demo/", first.ImageKey, StringComparison.Ordinal);
        Assert.False(first.EmbeddingReused);
        Assert.Equal(OnnxImageEmbedder.ModelIdValue, first.Embedding.ModelId);
        Assert.Equal(512, first.Embedding.Dimension);
        Assert.True(again.EmbeddingReused);
        Assert.Equal(first.ImageKey, again.ImageKey);
        Assert.Equal(first.Embedding.Vector, again.Embedding.Vector);
        var stored = await _images.OpenAsync(first.ImageKey, Ct);
        await using (stored!.Content)
        {
            Assert.Equal(jpeg.Length, stored.Length);
        }
    }

    [Fact]
    public async Task AnEmbeddingSurvivesARestartThroughTheStore()
    {
        _host.MapBytes("a.jpg", ImagingTestData.Jpeg(seed: 3), "image/jpeg");
        var first = await Resolver().ResolveAsync(Demo, null, _host.Url("a.jpg"), Ct);

        using var reopened = new SqliteImageEmbeddingStore(Path.Combine(_folder.Path, "sales.db"), new FakeTimeProvider());
        var vector = await reopened.TryGetAsync(OnnxImageEmbedder.ModelIdValue, Sha256Of(ImagingTestData.Jpeg(seed: 3)), Ct);

        Assert.Equal(first.Embedding.Vector, vector);
        Assert.Null(await reopened.TryGetAsync("another-model", Sha256Of(ImagingTestData.Jpeg(seed: 3)), Ct));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/a.jpg", "not an absolute http(s) URL")]
    [InlineData("/relative/a.jpg", "not an absolute http(s) URL")]
    [InlineData("file:///etc/passwd", "not an absolute http(s) URL")]
    [InlineData("http://user:secret@127.0.0.1/a.jpg", "credentials")]
    public async Task RefusesUrlsThatAreNotPlainHttp(string url, string reason)
    {
        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => Resolver().ResolveAsync(Demo, null, url, Ct));

        Assert.False(error.IsRetryable);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APageIsNotAnImage()
    {
        _host.MapBytes("page", "<html>hello</html>"u8.ToArray(), "text/html");

        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => Resolver().ResolveAsync(Demo, null, _host.Url("page"), Ct));

        Assert.False(error.IsRetryable);
        Assert.Contains("text/html", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BytesThatLieAboutBeingAnImageAreRefusedByTheInspector()
    {
        _host.MapBytes("fake.jpg", "GIF? no, just text pretending"u8.ToArray(), "image/jpeg");

        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => Resolver().ResolveAsync(Demo, null, _host.Url("fake.jpg"), Ct));

        Assert.False(error.IsRetryable);
        Assert.Contains("not a JPEG, PNG, WebP or GIF", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_folder.Path, "images"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AHugeFileIsRefusedByItsLengthAndAnEndlessOneWhileReading()
    {
        _host.MapBytes("big.jpg", new byte[64 * 1024], "image/jpeg");
        _host.Map("endless.jpg", async response =>
        {
            response.ContentType = "image/jpeg";
            response.SendChunked = true;
            var chunk = new byte[16 * 1024];
            for (var i = 0; i < 1000; i++)
            {
                await response.OutputStream.WriteAsync(chunk);
            }
        });
        var resolver = Resolver(o => o.MaxBytes = 32 * 1024);

        var declared = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => resolver.ResolveAsync(Demo, null, _host.Url("big.jpg"), Ct));
        var streamed = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => resolver.ResolveAsync(Demo, null, _host.Url("endless.jpg"), Ct));

        Assert.Contains("65536 bytes", declared.Message, StringComparison.Ordinal);
        Assert.Contains("larger than 32768 bytes", streamed.Message, StringComparison.Ordinal);
        Assert.False(declared.IsRetryable || streamed.IsRetryable);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    public async Task HostErrorsSayWhetherARetryCanHelp(HttpStatusCode status, bool retryable)
    {
        _host.MapBytes("x.jpg", [], "text/plain", status);

        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => Resolver().ResolveAsync(Demo, null, _host.Url("x.jpg"), Ct));

        Assert.Equal(retryable, error.IsRetryable);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowHostTimesOutAsRetryable()
    {
        _host.Map("slow.jpg", async _ => await Task.Delay(TimeSpan.FromSeconds(10)));

        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(
            () => Resolver(o => o.FetchTimeout = TimeSpan.FromMilliseconds(300)).ResolveAsync(Demo, null, _host.Url("slow.jpg"), Ct));

        Assert.True(error.IsRetryable);
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedConnectionIsRetryable()
    {
        var port = _host.Port;
        _host.Dispose();

        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(
            () => Resolver().ResolveAsync(Demo, null, $"http://127.0.0.1:{port}/gone.jpg", Ct));

        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task PrivateAddressesAreRefusedUnlessAllowed()
    {
        _host.MapBytes("a.jpg", ImagingTestData.Jpeg(), "image/jpeg");

        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(
            () => Resolver(o => o.AllowPrivateNetworks = false).ResolveAsync(Demo, null, _host.Url("a.jpg"), Ct));

        Assert.False(error.IsRetryable);
        Assert.Contains("public address", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _host.Requests);
    }

    [Theory]
    [InlineData("other/ab/abcdef.jpg", "does not belong to tenant")]
    [InlineData("demo/../../etc/passwd", "not in the image store")]
    [InlineData("demo/00/0000000000000000000000000000000000000000000000000000000000000000.jpg", "not in the image store")]
    public async Task KeysOfOtherTenantsPathTricksAndUnknownKeysAreRefused(string key, string reason)
    {
        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => Resolver().ResolveAsync(Demo, key, null, Ct));

        Assert.False(error.IsRetryable);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASaleWithoutAnyImageIsRefused()
    {
        var error = await Assert.ThrowsAsync<SaleImageUnavailableException>(() => Resolver().ResolveAsync(Demo, " ", null, Ct));

        Assert.Contains("names no image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicAndPrivateAddressesAreToldApart()
    {
        Assert.True(NetworkAddressPolicy.IsPublic(IPAddress.Parse("93.184.216.34")));
        Assert.True(NetworkAddressPolicy.IsPublic(IPAddress.Parse("2606:2800:220:1:248:1893:25c8:1946")));
        foreach (var address in new[] { "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "224.0.0.1" })
        {
            Assert.False(NetworkAddressPolicy.IsPublic(IPAddress.Parse(address)), address);
        }
    }

    public void Dispose()
    {
        foreach (var resolver in _resolvers)
        {
            resolver.Dispose();
        }

        _host.Dispose();
        _embeddings.Dispose();
        _folder.Dispose();
    }

    private SaleImageResolver Resolver(Action<SaleImageOptions>? configure = null)
    {
        var options = new SaleImageOptions { AllowPrivateNetworks = true, FetchTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        var resolver = new SaleImageResolver(_images, new ImageInspector(), _model.Embedder, _embeddings, Options.Create(options));
        _resolvers.Add(resolver);
        return resolver;
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
