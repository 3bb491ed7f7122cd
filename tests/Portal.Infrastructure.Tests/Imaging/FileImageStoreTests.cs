using System.Security.Cryptography;
using Portal.Infrastructure.Local.Imaging;

namespace Portal.Infrastructure.Tests.Imaging;

public sealed class FileImageStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "portal-images-" + Guid.NewGuid().ToString("N"));
    private readonly FileImageStore store;

    public FileImageStoreTests() => store = new FileImageStore(new FileImageStoreOptions { RootDirectory = root, PublicUrlPrefix = "/images" });

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task RoundTripsBytesUnderContentAddressedKey()
    {
        var bytes = ImagingTestData.Jpeg();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var key = await store.SaveAsync("acme-shop", bytes, "image/jpeg", CancellationToken.None);

        Assert.Equal($"acme-shop/{sha[..2]}/{sha}.jpg", key);
        var stored = await store.OpenAsync(key, CancellationToken.None);
        Assert.NotNull(stored);
        await using (stored.Content)
        {
            using var copy = new MemoryStream();
            await stored.Content.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
            Assert.Equal("image/jpeg", stored.ContentType);
            Assert.Equal(bytes.Length, stored.Length);
        }

        Assert.Equal($"/images/{key}", store.GetUrl(key));
    }

    [Fact]
    public async Task SameBytesGiveSameKeyWithoutRewriting()
    {
        var bytes = ImagingTestData.Jpeg(seed: 3);
        var first = await store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);
        var path = Path.Combine(root, first);
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);

        var second = await store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task ConcurrentSavesOfSameBytesAgree()
    {
        var bytes = ImagingTestData.Jpeg(seed: 4);

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None))));

        Assert.Single(keys.Distinct());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Path.Combine(root, keys[0]))!));
    }

    [Theory]
    [InlineData("../acme/ab/x.jpg")]
    [InlineData("acme/../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("acme\\ab\\abc.jpg")]
    [InlineData("%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("acme/%2e%2e/secret.jpg")]
    [InlineData("")]
    [InlineData("acme")]
    [InlineData("Acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg")]
    [InlineData("acme/ff/0000000000000000000000000000000000000000000000000000000000000000.jpg")]
    [InlineData("acme/00/0000000000000000000000000000000000000000000000000000000000000000.exe")]
    [InlineData("acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg\n")]
    public async Task RefusesKeysItCouldNotHaveMade(string key)
    {
        Assert.Null(await store.OpenAsync(key, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => store.GetUrl(key));
    }

    [Fact]
    public async Task ReturnsNullForWellFormedUnknownKey() =>
        Assert.Null(await store.OpenAsync("acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg", CancellationToken.None));

    [Fact]
    public async Task DoesNotServeFilesOutsideTheKeyScheme()
    {
        var secret = Path.Combine(root, "secret.txt");
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(secret, "top secret");

        Assert.Null(await store.OpenAsync("secret.txt", CancellationToken.None));
        Assert.Null(await store.OpenAsync("acme/../secret.txt", CancellationToken.None));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("Acme")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task RejectsInvalidTenant(string tenant) =>
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(tenant, ImagingTestData.Jpeg(), "image/jpeg", CancellationToken.None));

    [Fact]
    public async Task RejectsUnsupportedContentType() =>
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("acme", ImagingTestData.Jpeg(), "text/html", CancellationToken.None));
}
