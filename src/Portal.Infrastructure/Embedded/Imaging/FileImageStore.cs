using Portal.Core.Images;
using Portal.Infrastructure.Formats.Imaging;

namespace Portal.Infrastructure.Embedded.Imaging;

/// <summary>
/// Photos in a folder, keyed <c>{tenant}/{sha256[0..2]}/{sha256}.{ext}</c>. Keys are generated, never taken from input:
/// <see cref="OpenAsync"/> refuses anything that is not such a key and checks the resolved path stays under the root.
/// Writes are atomic (temporary file, then move); the same bytes give the same key and are not rewritten.
/// </summary>
public sealed class FileImageStore : IImageStore
{
    private readonly string root;
    private readonly string urlPrefix;

    public FileImageStore(FileImageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootDirectory);
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.RootDirectory));
        urlPrefix = options.PublicUrlPrefix.EndsWith('/') ? options.PublicUrlPrefix : options.PublicUrlPrefix + "/";
        Directory.CreateDirectory(root);
    }

    public async Task<string> SaveAsync(string tenant, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var generated = ImageKeys.Generate(tenant, content, contentType);
        var key = generated.Key;
        var sha256 = generated.Sha256;
        var path = ResolveKey(key) ?? throw new InvalidOperationException("A generated key did not resolve under the root.");
        if (File.Exists(path))
        {
            return key; // same bytes, same key: nothing to rewrite
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{sha256}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // A concurrent save of the same bytes won the race; its file is identical.
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return key;
    }

    public Task<StoredImage?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = ResolveKey(key);
        if (path is null)
        {
            return Task.FromResult<StoredImage?>(null);
        }

        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            var contentType = ImageKeys.ContentTypeOf(key);
            return Task.FromResult<StoredImage?>(new StoredImage(stream, contentType, stream.Length));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<StoredImage?>(null);
        }
    }

    public string GetUrl(string key)
    {
        if (!IsWellFormedKey(key))
        {
            throw new ArgumentException("Not an image key this store makes.", nameof(key));
        }

        return urlPrefix + key;
    }

    /// <summary>Whether the key has exactly the shape the image stores generate.</summary>
    public static bool IsWellFormedKey(string? key) => ImageKeys.IsWellFormed(key);

    private string? ResolveKey(string? key)
    {
        if (!IsWellFormedKey(key))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(root, key!));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

}
