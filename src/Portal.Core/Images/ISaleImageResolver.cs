
namespace Portal.Core.Images;

/// <summary>
/// Turns a sold product's photo reference (an image-store key or an absolute http(s) URL) into a stored image and its
/// embedding: fetch within size, type and time limits, inspect, store under a generated key, embed — reusing the
/// embedding when the same image (by SHA-256) was embedded before with the current model.
/// </summary>
public interface ISaleImageResolver
{
    /// <exception cref="SaleImageUnavailableException">The image could not be had; <see cref="SaleImageUnavailableException.IsRetryable"/> says whether trying again may help.</exception>
    Task<ResolvedSaleImage> ResolveAsync(TenantId tenant, string? imageKey, string? imageUrl, CancellationToken cancellationToken);
}

/// <param name="ImageKey">The key in the image store (generated here, never the input's for a URL).</param>
/// <param name="EmbeddingReused">True when no model ran: the image had been embedded before.</param>
public sealed record ResolvedSaleImage(string ImageKey, StoredEmbedding Embedding, bool EmbeddingReused);

/// <summary>The photo is missing, too large, not an image, or its host failed: permanent unless <see cref="IsRetryable"/> (timeouts, 5xx, connection failures).</summary>
public sealed class SaleImageUnavailableException(string reason, bool isRetryable, Exception? inner = null) : Exception(reason, inner)
{
    public bool IsRetryable { get; } = isRetryable;
}
