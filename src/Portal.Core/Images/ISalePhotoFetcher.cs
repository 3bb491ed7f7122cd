
namespace Portal.Core.Images;

/// <summary>
/// Fetches sold products' photos named by URL for the sync intake, bounded and with one deadline per photo. The answer is a
/// <see cref="SalePhotoResult"/>, never an exception, so the caller can keep it for the event's life.
/// </summary>
public interface ISalePhotoFetcher
{
    /// <summary>The photo at <paramref name="imageUrl"/> stored and embedded for <paramref name="tenant"/>, or why not.</summary>
    Task<SalePhotoResult> FetchAsync(TenantId tenant, string imageUrl, CancellationToken cancellationToken);
}
