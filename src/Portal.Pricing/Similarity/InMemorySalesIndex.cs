using System.Collections.Concurrent;
using Portal.Pricing.Domain;

namespace Portal.Pricing.Similarity;

/// <summary>
/// <see cref="ISalesIndex"/> held in memory: per tenant and category, every sale (published as immutable
/// <see cref="CategorySales"/> snapshots) and, per embedding model, a <see cref="VectorCollection"/>.
/// Adds are idempotent by (tenant, sale id) via an atomic insert; writers lock one category or collection,
/// readers never lock.
/// </summary>
/// <remarks>
/// Vectors of different model ids live in different collections and are never compared. A search whose
/// query length differs from the collection's dimension throws <see cref="ArgumentException"/> (a caller bug,
/// not an empty result); an embedding whose dimension differs from its model's collection is rejected likewise.
/// </remarks>
public sealed class InMemorySalesIndex(IndexOptions options) : ISalesIndex
{
    private static readonly CategorySales Empty = new(0, []);

    private readonly IndexOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Validated();
    private readonly ConcurrentDictionary<TenantId, TenantSales> _tenants = new();

    public InMemorySalesIndex()
        : this(new IndexOptions())
    {
    }

    public bool Add(SaleRecord sale, StoredEmbedding? embedding)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.SaleId, nameof(sale));
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.Category, nameof(sale));

        // Validate everything before the sale id is claimed, so a rejected sale can be retried.
        var vector = embedding is null ? null : VectorMath.Normalize(embedding.Vector);
        var tenant = _tenants.GetOrAdd(sale.Tenant, static _ => new TenantSales());
        var category = tenant.Categories.GetOrAdd(sale.Category, static _ => new CategoryState());
        VectorCollection? collection = null;
        if (embedding is not null && vector is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(embedding.ModelId, nameof(embedding));
            collection = category.Collections.GetOrAdd(
                embedding.ModelId,
                static (modelId, state) => new VectorCollection(modelId, state.Dimension, state.Options),
                (Dimension: vector.Length, Options: _options));
            if (collection.Dimension != vector.Length)
            {
                throw new ArgumentException(
                    $"Embedding of model '{embedding.ModelId}' has {vector.Length} dimensions; the index holds {collection.Dimension}.",
                    nameof(embedding));
            }
        }

        if (!tenant.SaleIds.TryAdd(sale.SaleId, 0))
        {
            return false;
        }

        category.Append(sale);
        collection?.Add(sale, vector);
        Interlocked.Increment(ref tenant.Count);
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The query's length differs from the model's stored dimension.</exception>
    public IReadOnlyList<SimilarityHit> Search(
        TenantId tenant, string category, string modelId, ReadOnlySpan<float> normalisedQuery, SearchFilter filter, int k, float minSimilarity)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (!_tenants.TryGetValue(tenant, out var sales)
            || !sales.Categories.TryGetValue(category, out var state)
            || !state.Collections.TryGetValue(modelId, out var collection))
        {
            return [];
        }

        return collection.Search(normalisedQuery, filter, k, minSimilarity);
    }

    public CategorySales GetCategorySales(TenantId tenant, string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return _tenants.TryGetValue(tenant, out var sales) && sales.Categories.TryGetValue(category, out var state)
            ? state.Snapshot
            : Empty;
    }

    /// <summary>Categories with at least one sale, in ordinal order.</summary>
    public IReadOnlyList<string> GetCategories(TenantId tenant)
    {
        if (!_tenants.TryGetValue(tenant, out var sales))
        {
            return [];
        }

        var categories = sales.Categories.Where(c => c.Value.Snapshot.Sales.Count > 0).Select(c => c.Key).ToList();
        categories.Sort(StringComparer.Ordinal);
        return categories;
    }

    public long Count(TenantId tenant) =>
        _tenants.TryGetValue(tenant, out var sales) ? Interlocked.Read(ref sales.Count) : 0;

    /// <summary>Memory held by every vector collection (float32, int8 and metadata).</summary>
    public VectorMemoryUsage GetMemoryUsage()
    {
        var total = default(VectorMemoryUsage);
        foreach (var tenant in _tenants.Values)
        {
            foreach (var category in tenant.Categories.Values)
            {
                foreach (var collection in category.Collections.Values)
                {
                    total += collection.GetMemoryUsage();
                }
            }
        }

        return total;
    }

    private sealed class TenantSales
    {
        public long Count;

        public ConcurrentDictionary<string, byte> SaleIds { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, CategoryState> Categories { get; } = new(StringComparer.Ordinal);
    }

    private sealed class CategoryState
    {
        private readonly Lock _lock = new();
        private SaleRecord[] _items = new SaleRecord[4];
        private CategorySales _snapshot = Empty;

        public ConcurrentDictionary<string, VectorCollection> Collections { get; } = new(StringComparer.Ordinal);

        public CategorySales Snapshot => Volatile.Read(ref _snapshot);

        public void Append(SaleRecord sale)
        {
            lock (_lock)
            {
                var current = _snapshot;
                var count = current.Sales.Count;
                if (count == _items.Length)
                {
                    // A new array: earlier snapshots keep viewing the old one, which is never written again.
                    Array.Resize(ref _items, count * 2);
                }

                _items[count] = sale;
                Volatile.Write(ref _snapshot, new CategorySales(current.Version + 1, new ReadOnlyPrefix<SaleRecord>(_items, count + 1)));
            }
        }
    }
}
