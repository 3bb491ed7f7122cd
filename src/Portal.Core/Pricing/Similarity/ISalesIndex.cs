
namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// In-memory cache of a tenant's sales per category, with their normalised vectors per embedding model,
/// rebuilt from the store at start and kept current as sales arrive. Safe for concurrent reads and writes.
/// </summary>
public interface ISalesIndex
{
    /// <summary>Adds a sale (its vector is normalised on the way in); a sale id already present is ignored. Returns true when added.</summary>
    bool Add(SaleRecord sale, StoredEmbedding? embedding);

    /// <summary>
    /// Adds a sale with every photo's vector (each normalised, each searchable, all pointing to the one sale); a sale id
    /// already present is ignored. Returns true when added.
    /// </summary>
    bool Add(SaleWithPhotos sale);

    /// <summary>
    /// Top <paramref name="k"/> distinct sales of the category by cosine similarity to the (normalised) query, best first; ties
    /// by sale id. A sale with several photos is returned once, with its best photo's similarity.
    /// </summary>
    IReadOnlyList<SimilarityHit> Search(TenantId tenant, string category, string modelId, ReadOnlySpan<float> normalisedQuery, SearchFilter filter, int k, float minSimilarity);

    /// <summary>
    /// The same search as a call that may leave the process (a distributed vector engine): top <see cref="SimilarityQuery.TopK"/>
    /// distinct sales of the tenant's category scoring at least <see cref="SimilarityQuery.MinScore"/>, best first, ties by
    /// sale id. The pricing path awaits this one; an adapter that answers from memory completes it synchronously.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before the answer came.</exception>
    ValueTask<IReadOnlyList<SimilarityHit>> SearchAsync(SimilarityQuery query, CancellationToken cancellationToken);

    /// <summary>A snapshot of every sale of the category (with or without a vector), for medians and seasonal indexes.</summary>
    CategorySales GetCategorySales(TenantId tenant, string category);

    IReadOnlyList<string> GetCategories(TenantId tenant);

    long Count(TenantId tenant);

    /// <summary>True when the tenant's sale id is in the index (a change-feed follower skips those).</summary>
    bool Contains(TenantId tenant, string saleId);

    /// <summary>
    /// Removes every sale sold before <paramref name="cutoff"/> (its retention has passed, so the store no longer returns it);
    /// returns how many were removed. Cheap when none is that old.
    /// </summary>
    int RemoveSoldBefore(DateTimeOffset cutoff);
}

public readonly record struct SimilarityHit(SaleRecord Sale, float Similarity);

/// <summary>
/// Which candidates may be returned: sold in [<see cref="SoldFrom"/>, <see cref="SoldTo"/>], not excluded, and of
/// <see cref="Brand"/> (case-insensitive) when one is given. A sale of <see cref="BoostedBrand"/> scores
/// <see cref="BrandBoost"/> more than its cosine, inside the same scan (the ranking and the minimum apply to that score).
/// </summary>
public sealed record SearchFilter(
    DateTimeOffset? SoldFrom, DateTimeOffset? SoldTo, IReadOnlySet<string>? ExcludedSaleIds, string? Brand = null,
    string? BoostedBrand = null, float BrandBoost = 0)
{
    public static SearchFilter None { get; } = new(null, null, null);
}

/// <summary>
/// One nearest-neighbour question to the index: within one tenant, one category and one embedding model, the
/// <see cref="TopK"/> sales closest to <see cref="NormalisedVector"/> that pass <see cref="Filter"/> (sold-from/to, brand,
/// excluded sale ids, brand boost) and score at least <see cref="MinScore"/> (cosine, plus the boost where it applies).
/// Everything a remote engine needs to filter on its side is in here, nothing about how the engine weighs the answers.
/// </summary>
public sealed record SimilarityQuery(
    TenantId Tenant, string Category, string ModelId, ReadOnlyMemory<float> NormalisedVector, SearchFilter Filter, int TopK, float MinScore);

/// <summary>An immutable view of a category's sales; <see cref="Version"/> changes whenever a sale is added.</summary>
public sealed record CategorySales(long Version, IReadOnlyList<SaleRecord> Sales);
