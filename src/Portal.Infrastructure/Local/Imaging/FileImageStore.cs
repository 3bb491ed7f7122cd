using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;

namespace Portal.Infrastructure.Local.Imaging;

/// <summary>
/// Photos in a folder, keyed <c>{tenant}/{sha256[0..2]}/{sha256}.{ext}</c>. Keys are generated, never taken from input:
/// <see cref="OpenAsync"/> refuses anything that is not such a key and checks the resolved path stays under the root.
/// Writes are atomic (temporary file, then move); the same bytes give the same key and are not rewritten.
/// </summary>
public sealed partial class FileImageStore : IImageStore
{
    private static readonly Dictionary<string, string> ExtensionByContentType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = "jpg",
        ["image/png"] = "png",
        ["image/webp"] = "webp",
        ["image/gif"] = "gif",
    };

    private static readonly Dictionary<string, string> ContentTypeByExtension = new(StringComparer.Ordinal)
    {
        ["jpg"] = "image/jpeg",
        ["png"] = "image/png",
        ["webp"] = "image/webp",
        ["gif"] = "image/gif",
    };

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
        if (!TenantId.TryParse(tenant, out var tenantId))
        {
            throw new ArgumentException($"Tenant id '{tenant}' is invalid.", nameof(tenant));
        }

        if (content.IsEmpty)
        {
            throw new ArgumentException("The image is empty.", nameof(content));
        }

        if (contentType is null || !ExtensionByContentType.TryGetValue(contentType, out var extension))
        {
            throw new ArgumentException($"Content type '{contentType}' is not a supported image type.", nameof(contentType));
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var key = $"{tenantId.Value}/{sha256[..2]}/{sha256}.{extension}";
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
            var contentType = ContentTypeByExtension[Path.GetExtension(path)[1..]];
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

    /// <summary>Whether the key has exactly the shape this store generates.</summary>
    public static bool IsWellFormedKey(string? key)
    {
        if (key is null)
        {
            return false;
        }

        var match = KeyPattern().Match(key);
        return match.Success && key.AsSpan(match.Groups["hash"].Index, 2).SequenceEqual(match.Groups["prefix"].ValueSpan);
    }

    private string? ResolveKey(string? key)
    {
        if (!IsWellFormedKey(key))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(root, key!));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,63}/(?<prefix>[0-9a-f]{2})/(?<hash>[0-9a-f]{64})\.(jpg|png|webp|gif)\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
