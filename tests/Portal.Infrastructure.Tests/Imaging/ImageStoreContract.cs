using System.Security.Cryptography;
using Portal.Core.Images;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>
/// What every <see cref="IImageStore"/> does, run against the folder store and the S3 store alike: content-addressed keys
/// generated from tenant and hash (the same key on both), bytes and content type round-trip, keys it could not have made are
/// refused, bad input is refused with a clear error and stores nothing.
/// </summary>
public abstract class ImageStoreContract
{
    protected abstract IImageStore Store { get; }

    /// <summary>The store's URL for the key leads to the bytes (a local path, or a presigned URL fetched over HTTP).</summary>
    protected abstract Task AssertUrlServesAsync(string key, byte[] bytes);

    /// <summary>Exactly one stored copy of the key exists.</summary>
    protected abstract Task AssertStoredOnceAsync(string key);

    /// <summary>Puts something at a raw location of the store that is not an image key (e.g. <c>secret.txt</c>).</summary>
    protected abstract Task PlantForeignObjectAsync(string name, byte[] content);

    /// <summary>Everything the store holds, relative to its root.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredNamesAsync();

    [Fact]
    public async Task RoundTripsBytesUnderContentAddressedKey()
    {
        var bytes = ImagingTestData.Jpeg();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var key = await Store.SaveAsync("acme-shop", bytes, "image/jpeg", CancellationToken.None);

        Assert.Equal($"acme-shop/{sha[..2]}/{sha}.jpg", key);
        var stored = await Store.OpenAsync(key, CancellationToken.None);
        Assert.NotNull(stored);
        await using (stored.Content)
        {
            using var copy = new MemoryStream();
            await stored.Content.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
            Assert.Equal("image/jpeg", stored.ContentType);
            Assert.Equal(bytes.Length, stored.Length);
        }

        await AssertUrlServesAsync(key, bytes);
    }

    [Fact]
    public async Task SameBytesGiveSameKey()
    {
        var bytes = ImagingTestData.Jpeg(seed: 3);

        var first = await Store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);
        var second = await Store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);

        Assert.Equal(first, second);
        await AssertStoredOnceAsync(first);
    }

    [Fact]
    public async Task ConcurrentSavesOfSameBytesAgree()
    {
        var bytes = ImagingTestData.Jpeg(seed: 4);

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None))));

        Assert.Single(keys.Distinct());
        await AssertStoredOnceAsync(keys[0]);
    }

    [Fact]
    public async Task DifferentTenantsGetDifferentKeysForTheSameBytes()
    {
        var bytes = ImagingTestData.Jpeg(seed: 5);

        var acme = await Store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);
        var other = await Store.SaveAsync("other", bytes, "image/jpeg", CancellationToken.None);

        Assert.StartsWith("acme/", acme, StringComparison.Ordinal);
        Assert.StartsWith("other/", other, StringComparison.Ordinal);
        Assert.Equal(acme["acme/".Length..], other["other/".Length..]);
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
    [InlineData("sales_history/tenant_id=acme/year=2025/month=01/part-1.parquet")]
    [InlineData("Acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg")]
    [InlineData("acme/ff/0000000000000000000000000000000000000000000000000000000000000000.jpg")]
    [InlineData("acme/00/0000000000000000000000000000000000000000000000000000000000000000.exe")]
    [InlineData("acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg\n")]
    public async Task RefusesKeysItCouldNotHaveMade(string key)
    {
        Assert.Null(await Store.OpenAsync(key, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => Store.GetUrl(key));
    }

    [Fact]
    public async Task ReturnsNullForWellFormedUnknownKey() =>
        Assert.Null(await Store.OpenAsync("acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg", CancellationToken.None));

    [Fact]
    public async Task DoesNotServeFilesOutsideTheKeyScheme()
    {
        await PlantForeignObjectAsync("secret.txt", "top secret"u8.ToArray());

        Assert.Null(await Store.OpenAsync("secret.txt", CancellationToken.None));
        Assert.Null(await Store.OpenAsync("acme/../secret.txt", CancellationToken.None));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("Acme")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task RejectsInvalidTenant(string tenant)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync(tenant, ImagingTestData.Jpeg(), "image/jpeg", CancellationToken.None));

        Assert.Contains("Tenant id", error.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredNamesAsync());
    }

    [Fact]
    public async Task RejectsUnsupportedContentType()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync("acme", ImagingTestData.Jpeg(), "text/html", CancellationToken.None));

        Assert.Contains("text/html", error.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredNamesAsync());
    }

    [Fact]
    public async Task RejectsEmptyImage()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync("acme", ReadOnlyMemory<byte>.Empty, "image/jpeg", CancellationToken.None));

        Assert.Empty(await StoredNamesAsync());
    }
}
