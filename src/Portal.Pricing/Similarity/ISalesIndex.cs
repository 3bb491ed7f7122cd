using Portal.Pricing.Domain;

namespace Portal.Pricing.Similarity;

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

/// <summary>An immutable view of a category's sales; <see cref="Version"/> changes whenever a sale is added.</summary>
public sealed record CategorySales(long Version, IReadOnlyList<SaleRecord> Sales);
