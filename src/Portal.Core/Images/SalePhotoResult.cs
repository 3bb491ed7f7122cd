namespace Portal.Core.Images;

/// <summary>What fetching a sold product's photo gave: the stored image and its embedding, or why not and whether a retry may help.</summary>
public sealed record SalePhotoResult(ResolvedSaleImage? Image, string? Failure, bool IsRetryable, int Attempts)
{
    public static SalePhotoResult Resolved(ResolvedSaleImage image, int attempts) => new(image, null, false, attempts);

    public static SalePhotoResult Failed(string reason, bool isRetryable, int attempts) => new(null, reason, isRetryable, attempts);
}
