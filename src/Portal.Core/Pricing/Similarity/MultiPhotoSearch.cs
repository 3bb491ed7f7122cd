
namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// Search with several query photos: every query photo is compared with every photo of every sale, and each sale scores
/// its best match over all pairs. One query photo is the index's own search, unchanged.
/// </summary>
public static class MultiPhotoSearch
{
    /// <summary>
    /// Top <paramref name="k"/> distinct sales by their best cosine similarity to any of the (normalised) query photos, best
    /// first, ties by sale id: one query per photo through the port's awaited call (so a remote index serves each as it would
    /// a single photo), merged by sale.
    /// </summary>
    /// <remarks>
    /// Exact: a sale in the overall top k is in the top k of the query photo that matches it best, since every sale that
    /// photo ranks above it also scores at least as much overall; so a top k per query photo, merged by sale, suffices.
    /// </remarks>
    public static async ValueTask<IReadOnlyList<SimilarityHit>> SearchAsync(
        this ISalesIndex index,
        TenantId tenant,
        string category,
        string modelId,
        IReadOnlyList<float[]> normalisedQueries,
        SearchFilter filter,
        int k,
        float minSimilarity,
        CancellationToken cancellationToken)
    {
        ThrowIfInvalid(index, normalisedQueries);
        if (normalisedQueries.Count == 1)
        {
            return await index.SearchAsync(new SimilarityQuery(tenant, category, modelId, normalisedQueries[0], filter, k, minSimilarity), cancellationToken);
        }

        var perPhoto = new List<IReadOnlyList<SimilarityHit>>(normalisedQueries.Count);
        foreach (var query in normalisedQueries)
        {
            perPhoto.Add(await index.SearchAsync(new SimilarityQuery(tenant, category, modelId, query, filter, k, minSimilarity), cancellationToken));
        }

        return Merge(perPhoto, k);
    }

    /// <summary>Each sale once, with its best similarity over the photos' answers; best k first, ties by sale id.</summary>
    private static IReadOnlyList<SimilarityHit> Merge(List<IReadOnlyList<SimilarityHit>> perPhoto, int k)
    {
        var best = new Dictionary<string, SimilarityHit>(StringComparer.Ordinal);
        foreach (var hits in perPhoto)
        {
            foreach (var hit in hits)
            {
                if (!best.TryGetValue(hit.Sale.SaleId, out var current) || hit.Similarity > current.Similarity)
                {
                    best[hit.Sale.SaleId] = hit;
                }
            }
        }

        return best.Values
            .OrderByDescending(h => h.Similarity)
            .ThenBy(h => h.Sale.SaleId, StringComparer.Ordinal)
            .Take(k)
            .ToArray();
    }

    private static void ThrowIfInvalid(ISalesIndex index, IReadOnlyList<float[]> normalisedQueries)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(normalisedQueries);
        if (normalisedQueries.Count == 0)
        {
            throw new ArgumentException("At least one query photo is required.", nameof(normalisedQueries));
        }
    }
}
