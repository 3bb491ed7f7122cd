using System.Collections.Concurrent;

namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// <see cref="ISalesIndex"/> held in memory: per tenant and category, every sale (published as immutable
/// <see cref="CategorySales"/> snapshots) and, per embedding model, a <see cref="VectorCollection"/>.
/// Adds are idempotent by (tenant, sale id) via an atomic insert; writers lock one category or collection,
/// readers never lock. A sale with several photos holds one row per photo in its model's collection, all pointing to the
/// same <see cref="SaleRecord"/>; a search asks the collection for enough rows to return k distinct sales, each with its
/// best photo's similarity.
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

    public bool Add(SaleRecord sale, StoredEmbedding? embedding) => Add(new SaleWithPhotos(sale, embedding));

    public bool Add(SaleWithPhotos sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var record = sale.Sale;
        ArgumentNullException.ThrowIfNull(record, nameof(sale));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.SaleId, nameof(sale));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Category, nameof(sale));
        sale.Validate();

        // Validate everything before the sale id is claimed, so a rejected sale can be retried.
        var photos = sale.AllPhotos
            .Select(p =>
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(p.ModelId, nameof(sale));
                return (p.ModelId, Vector: VectorMath.Normalize(p.Vector));
            })
            .ToArray();
        var tenant = _tenants.GetOrAdd(record.Tenant, static _ => new TenantSales());
        var category = tenant.Categories.GetOrAdd(record.Category, static _ => new CategoryState());
        var collections = new VectorCollection[photos.Length];
        for (var i = 0; i < photos.Length; i++)
        {
            var (modelId, vector) = photos[i];
            var collection = category.Collections.GetOrAdd(
                modelId,
                static (modelId, state) => new VectorCollection(modelId, state.Dimension, state.Options),
                (Dimension: vector.Length, Options: _options));
            if (collection.Dimension != vector.Length)
            {
                throw new ArgumentException(
                    $"Embedding of model '{modelId}' has {vector.Length} dimensions; the index holds {collection.Dimension}.",
                    nameof(sale));
            }

            collections[i] = collection;
        }

        if (!tenant.SaleIds.TryAdd(record.SaleId, 0))
        {
            return false;
        }

        // Rows per sale are published before the rows, so a search never asks for too few rows to find k distinct sales.
        foreach (var group in photos.GroupBy(p => p.ModelId, StringComparer.Ordinal))
        {
            category.NotePhotosPerSale(group.Key, group.Count());
        }

        category.Append(record);
        for (var i = 0; i < photos.Length; i++)
        {
            collections[i].Add(record, photos[i].Vector);
        }

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

        var photosPerSale = state.PhotosPerSale(modelId);
        if (photosPerSale <= 1)
        {
            return collection.Search(normalisedQuery, filter, k, minSimilarity);
        }

        // A sale holds at most photosPerSale rows, so the best k × photosPerSale rows hold the best k distinct sales.
        var rows = collection.Search(normalisedQuery, filter, (int)Math.Min((long)k * photosPerSale, int.MaxValue), minSimilarity);
        return BestPerSale(rows, k);
    }

    /// <inheritdoc />
    /// <remarks>Answered from memory on the caller's thread: a completed task around <see cref="Search"/>'s result.</remarks>
    public ValueTask<IReadOnlyList<SimilarityHit>> SearchAsync(SimilarityQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<SimilarityHit>>(cancellationToken);
        }

        return new(Search(query.Tenant, query.Category, query.ModelId, query.NormalisedVector.Span, query.Filter, query.TopK, query.MinScore));
    }

    /// <summary>The first (best) row of each sale, in order, up to <paramref name="k"/> sales.</summary>
    private static IReadOnlyList<SimilarityHit> BestPerSale(IReadOnlyList<SimilarityHit> rows, int k)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hits = new List<SimilarityHit>(Math.Min(k, rows.Count));
        foreach (var row in rows)
        {
            if (hits.Count == k)
            {
                break;
            }

            if (seen.Add(row.Sale.SaleId))
            {
                hits.Add(row);
            }
        }

        return hits;
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

    public bool Contains(TenantId tenant, string saleId)
    {
        ArgumentNullException.ThrowIfNull(saleId);
        return _tenants.TryGetValue(tenant, out var sales) && sales.SaleIds.ContainsKey(saleId);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Categories whose oldest sale is younger than the cutoff are skipped without a scan. A removed sale's vector rows stay
    /// allocated (marked removed, never returned) until the next start; its id is released, so the store could add it again.
    /// </remarks>
    public int RemoveSoldBefore(DateTimeOffset cutoff)
    {
        var cutoffTicks = cutoff.UtcTicks;
        var removed = 0;
        foreach (var tenant in _tenants.Values)
        {
            foreach (var category in tenant.Categories.Values)
            {
                if (category.OldestSoldAtTicks >= cutoffTicks)
                {
                    continue;
                }

                foreach (var collection in category.Collections.Values)
                {
                    collection.RemoveSoldBefore(cutoffTicks);
                }

                foreach (var sale in category.RemoveSoldBefore(cutoffTicks))
                {
                    tenant.SaleIds.TryRemove(sale.SaleId, out _);
                    Interlocked.Decrement(ref tenant.Count);
                    removed++;
                }
            }
        }

        return removed;
    }

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
        private long _oldestSoldAtTicks = long.MaxValue;

        /// <summary>The oldest sale's sold-at (ticks), <see cref="long.MaxValue"/> when empty.</summary>
        public long OldestSoldAtTicks => Volatile.Read(ref _oldestSoldAtTicks);

        public ConcurrentDictionary<string, VectorCollection> Collections { get; } = new(StringComparer.Ordinal);

        /// <summary>The most rows one sale holds in each model's collection (absent: one).</summary>
        private ConcurrentDictionary<string, int> MaxPhotosPerSale { get; } = new(StringComparer.Ordinal);

        public int PhotosPerSale(string modelId) => MaxPhotosPerSale.TryGetValue(modelId, out var photos) ? photos : 1;

        public void NotePhotosPerSale(string modelId, int photos)
        {
            if (photos > 1)
            {
                MaxPhotosPerSale.AddOrUpdate(modelId, photos, (_, current) => Math.Max(current, photos));
            }
        }

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
                Volatile.Write(ref _oldestSoldAtTicks, Math.Min(_oldestSoldAtTicks, sale.SoldAt.UtcTicks));
            }
        }

        /// <summary>Publishes a snapshot without the sales sold before the cutoff (a new array: older snapshots stay intact); returns them.</summary>
        public List<SaleRecord> RemoveSoldBefore(long cutoffTicks)
        {
            lock (_lock)
            {
                var current = _snapshot;
                var kept = new SaleRecord[Math.Max(4, current.Sales.Count)];
                var removed = new List<SaleRecord>();
                var count = 0;
                var oldest = long.MaxValue;
                for (var i = 0; i < current.Sales.Count; i++)
                {
                    var sale = current.Sales[i];
                    var ticks = sale.SoldAt.UtcTicks;
                    if (ticks < cutoffTicks)
                    {
                        removed.Add(sale);
                        continue;
                    }

                    kept[count++] = sale;
                    oldest = Math.Min(oldest, ticks);
                }

                if (removed.Count > 0)
                {
                    _items = kept;
                    Volatile.Write(ref _snapshot, new CategorySales(current.Version + 1, new ReadOnlyPrefix<SaleRecord>(_items, count)));
                }

                Volatile.Write(ref _oldestSoldAtTicks, oldest);
                return removed;
            }
        }
    }
}
