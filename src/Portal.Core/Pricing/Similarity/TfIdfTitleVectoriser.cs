using System.Collections.Concurrent;

namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// Character 3-grams (as <see cref="TrigramTitleVectoriser"/>) weighted by their inverse document frequency over the tenant's
/// titles, so a gram that most titles share ("Sem titulo", "oleo sobre tela") counts less than a rare one. The IDF is computed
/// lazily per tenant from the index's sales and recomputed once the tenant's sales have grown by 10 %; each recomputation
/// starts a fresh vector cache. Grams hash into <see cref="Dimension"/> buckets after weighting.
/// </summary>
public sealed class TfIdfTitleVectoriser(ISalesIndex index) : ITitleVectoriser
{
    public const int Dimension = 2048;
    private const double RefreshGrowth = 1.10;
    private const int MaxCachedPerTenant = 200_000;
    private readonly ConcurrentDictionary<TenantId, Model> _models = new();
    private readonly ConcurrentDictionary<TenantId, object> _locks = new();

    public string Name => TitleModels.TfIdf;

    public float[]? For(TenantId tenant, string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        var model = ModelFor(tenant);
        if (model.Vectors.TryGetValue(title, out var cached))
        {
            return cached;
        }

        if (model.Vectors.Count >= MaxCachedPerTenant)
        {
            model.Vectors.Clear();
        }

        var vector = model.Compute(title);
        model.Vectors[title] = vector;
        return vector;
    }

    /// <summary>The tenant's IDF as of now: recomputed when missing or when the tenant's sales grew by 10 % since.</summary>
    private Model ModelFor(TenantId tenant)
    {
        var count = index.Count(tenant);
        if (_models.TryGetValue(tenant, out var model) && !model.IsStale(count))
        {
            return model;
        }

        lock (_locks.GetOrAdd(tenant, _ => new object()))
        {
            if (_models.TryGetValue(tenant, out model) && !model.IsStale(count))
            {
                return model;
            }

            model = Model.Build(index, tenant, count);
            _models[tenant] = model;
            return model;
        }
    }

    /// <summary>One tenant's document frequencies (per gram) and the vectors computed with them.</summary>
    internal sealed class Model
    {
        private readonly Dictionary<string, int> _documentFrequency;
        private readonly int _documents;

        private Model(long salesCount, int documents, Dictionary<string, int> documentFrequency)
        {
            SalesCount = salesCount;
            _documents = documents;
            _documentFrequency = documentFrequency;
        }

        public long SalesCount { get; }

        public ConcurrentDictionary<string, float[]?> Vectors { get; } = new(StringComparer.Ordinal);

        public bool IsStale(long count) => count > SalesCount * RefreshGrowth || (SalesCount == 0 && count > 0);

        public static Model Build(ISalesIndex index, TenantId tenant, long count)
        {
            var titles = index.GetCategories(tenant).SelectMany(c => index.GetCategorySales(tenant, c).Sales).Select(s => s.Title);
            return FromTitles(titles, count);
        }

        internal static Model FromTitles(IEnumerable<string?> titles, long salesCount)
        {
            var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
            var documents = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var title in titles)
            {
                seen.Clear();
                foreach (var gram in TrigramTitleVectoriser.Grams(title))
                {
                    if (seen.Add(gram))
                    {
                        frequency[gram] = frequency.GetValueOrDefault(gram) + 1;
                    }
                }

                if (seen.Count > 0)
                {
                    documents++;
                }
            }

            return new Model(salesCount, documents, frequency);
        }

        /// <summary>Smoothed IDF, ln((1 + n) / (1 + df)) + 1: a gram in every title weighs 1, an unseen one the most.</summary>
        public double Idf(string gram) => Math.Log((1.0 + _documents) / (1.0 + _documentFrequency.GetValueOrDefault(gram))) + 1.0;

        public float[]? Compute(string title)
        {
            var vector = new float[Dimension];
            var any = false;
            foreach (var gram in TrigramTitleVectoriser.Grams(title))
            {
                vector[TrigramTitleVectoriser.Fnv1a(gram) % Dimension] += (float)Idf(gram);
                any = true;
            }

            if (!any)
            {
                return null;
            }

            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
            return vector;
        }
    }
}
