using Portal.Core.Images;
using Portal.Infrastructure.Embedded.Imaging;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>The image store contract on the folder store, plus what only a folder has (file times, stray files).</summary>
public sealed class FileImageStoreTests : ImageStoreContract, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "portal-images-" + Guid.NewGuid().ToString("N"));
    private readonly FileImageStore store;

    public FileImageStoreTests() => store = new FileImageStore(new FileImageStoreOptions { RootDirectory = root, PublicUrlPrefix = "/images" });

    protected override IImageStore Store => store;

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    protected override Task AssertUrlServesAsync(string key, byte[] bytes)
    {
        Assert.Equal($"/images/{key}", store.GetUrl(key));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(root, key)));
        return Task.CompletedTask;
    }

    protected override Task AssertStoredOnceAsync(string key)
    {
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Path.Combine(root, key))!));
        return Task.CompletedTask;
    }

    protected override async Task PlantForeignObjectAsync(string name, byte[] content)
    {
        Directory.CreateDirectory(root);
        await File.WriteAllBytesAsync(Path.Combine(root, name), content);
    }

    protected override Task<IReadOnlyList<string>> StoredNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>(Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f))]
            : []);

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
}
