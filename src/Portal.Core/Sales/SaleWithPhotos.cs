namespace Portal.Core.Sales;

/// <summary>
/// A sale with the embedding of its first photo (<see cref="Embedding"/>, the photo <see cref="SaleRecord.ImageKey"/> names)
/// and of each further photo of the item, in the order they were given (<see cref="MorePhotos"/>; the first of them is the
/// sale's second photo). A sale with one photo has no further photos, and everything that reads only the primary embedding
/// sees it unchanged.
/// </summary>
public sealed record SaleWithPhotos(SaleRecord Sale, StoredEmbedding? Embedding)
{
    /// <summary>At most this many photos per sale, the first included (the pricing API's limit).</summary>
    public const int MaxPhotos = 5;

    public IReadOnlyList<StoredEmbedding> MorePhotos { get; init; } = [];

    /// <summary>Every photo's embedding, the primary first; empty when the sale has none.</summary>
    public IEnumerable<StoredEmbedding> AllPhotos => Embedding is null ? MorePhotos : [Embedding, .. MorePhotos];

    /// <summary>Refuses further photos without a primary one, more than <see cref="MaxPhotos"/> photos, or an empty vector.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Sale);
        ArgumentNullException.ThrowIfNull(MorePhotos);
        if (MorePhotos.Count == 0)
        {
            return;
        }

        if (Embedding is null)
        {
            throw new ArgumentException($"Sale '{Sale.SaleId}' has further photos but no first photo's embedding.", nameof(MorePhotos));
        }

        if (MorePhotos.Count + 1 > MaxPhotos)
        {
            throw new ArgumentException($"Sale '{Sale.SaleId}' has {MorePhotos.Count + 1} photos; at most {MaxPhotos}.", nameof(MorePhotos));
        }

        foreach (var photo in MorePhotos)
        {
            ArgumentNullException.ThrowIfNull(photo, nameof(MorePhotos));
            ArgumentException.ThrowIfNullOrWhiteSpace(photo.ModelId, nameof(MorePhotos));
            if (photo.Vector is not { Length: > 0 })
            {
                throw new ArgumentException("A photo's embedding needs at least one dimension.", nameof(MorePhotos));
            }
        }
    }
}
