namespace Portal.Core.Images;

/// <summary>Product photos (S3 in production, a folder embedded). Keys are generated here, never taken from input.</summary>
public interface IImageStore
{
    /// <summary>Stores the bytes under a new key derived from the tenant and the content hash; returns the key.</summary>
    Task<string> SaveAsync(string tenant, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>Opens a stored image, or null when the key is unknown or not a key this store could have made.</summary>
    Task<StoredImage?> OpenAsync(string key, CancellationToken cancellationToken);

    /// <summary>A URL the browser can load the image from.</summary>
    string GetUrl(string key);
}

public sealed record StoredImage(Stream Content, string ContentType, long Length);
