
namespace Portal.Infrastructure.Demo;

/// <summary>
/// Plans the demo tenant's sales deterministically from its real photos: the same photos, count and end date always give
/// the same sales. Each photo is one item model with a brand and a base price of its own, resold several times, so
/// look-alike sales are priced alike (given the photos' embeddings, look-alike photos also share a brand); a sale's price moves with its condition, the category's season and a little noise.
/// </summary>
internal static class DemoDataGenerator
{
    /// <summary>
    /// Sales per photo. With <see cref="Growth"/> this puts at least two of every photo's sales in the last 90 days (the
    /// engine's first window), so a photo that looks like a few demo photos finds five comparables or more.
    /// </summary>
    public const int SalesPerPhoto = 12;

    /// <summary>Monthly volume at the end of the history over the volume at its start: a marketplace that grew.</summary>
    public const double Growth = 3.0;

    /// <summary>24 months less a few days, so every demo sale is still inside the store's two-year retention.</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(725);

    public sealed record Item(int Number, DemoPhoto Photo, DemoCatalog.Category Category, DemoCatalog.Brand Brand, double BasePrice)
    {
        public string Title => $"{Brand.Name} {Category.Noun} #{Number:000}";
    }

    public sealed record PlannedSale(SaleRecord Sale, Item Item);

    /// <summary>The photos a demo of <paramref name="count"/> sales shows, <see cref="SalesPerPhoto"/> sales each, every category covered.</summary>
    public static IReadOnlyList<DemoPhoto> PhotosFor(int count, IReadOnlyList<DemoPhoto> photos)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var used = Math.Min(photos.Count, (int)Math.Ceiling(count / (double)SalesPerPhoto));
        return Interleaved(photos).Take(used).Select(p => p.Photo).ToList();
    }

    /// <summary>
    /// One item per photo, categories interleaved so that a small demo still covers every category. With
    /// <paramref name="looks"/> (a vector per photo file) the brand follows the look: photos that look alike share a brand,
    /// so look-alike photos sell alike, not only resales of one photo; without, brands are drawn at random.
    /// </summary>
    public static IReadOnlyList<Item> Items(IReadOnlyList<DemoPhoto> photos, IReadOnlyDictionary<string, float[]>? looks = null)
    {
        var ordered = Interleaved(photos);
        var brandByLook = new Dictionary<string, DemoCatalog.Brand>();
        if (looks is not null)
        {
            foreach (var category in DemoCatalog.Categories)
            {
                var withLooks = ordered.Select(p => p.Photo).Where(p => p.Category == category.Name && looks.ContainsKey(p.File)).ToList();
                foreach (var (file, brand) in BrandsByLook(withLooks.Select(p => (p.File, looks[p.File])).ToList(), BrandsOf(category)))
                {
                    brandByLook[file] = brand;
                }
            }
        }

        var random = new Random(17);
        return ordered
            .Select(p =>
            {
                var category = DemoCatalog.CategoryNamed(p.Photo.Category);
                var brands = BrandsOf(category);
                // Drawn either way, so the model factors below do not depend on whether looks were given.
                var drawn = brands[random.Next(brands.Length)];
                var brand = brandByLook.GetValueOrDefault(p.Photo.File, drawn);
                // The model's own premium or discount within its brand: what makes two photos of a brand differ.
                var model = Math.Exp(NextGaussian(random) * 0.25);
                return new Item(p.Number, p.Photo, category, brand, category.BasePrice * brand.Tier * model);
            })
            .ToList();
    }

    public static IReadOnlyList<PlannedSale> Plan(TenantId tenant, int count, DateTimeOffset end, IReadOnlyDictionary<string, float[]>? looks = null) =>
        Plan(tenant, count, end, DemoPhotos.All, looks);

    public static IReadOnlyList<PlannedSale> Plan(
        TenantId tenant, int count, DateTimeOffset end, IReadOnlyList<DemoPhoto> photos, IReadOnlyDictionary<string, float[]>? looks = null)
    {
        var used = PhotosFor(count, photos).Count;
        var items = Items(photos, looks);
        var random = new Random(42);
        var start = end - History;
        var planned = new List<(DateTimeOffset SoldAt, ItemCondition Condition, decimal Price, Item Item)>(count);
        for (var i = 0; i < used; i++)
        {
            var item = items[i];
            var resales = count / used + (i < count % used ? 1 : 0);
            // Stratified dates: one sale per equal share of the volume, shifted by a per-model offset and a little jitter,
            // so a model sells steadily rather than in bursts and its last sales are recent.
            var offset = 0.25 + (0.5 * random.NextDouble());
            for (var j = 0; j < resales; j++)
            {
                var share = Math.Clamp((j + offset + (0.5 * (random.NextDouble() - 0.5))) / resales, 0, 1);
                var soldAt = WholeSeconds(start + (History * GrowthQuantile(share)));
                var (condition, conditionValue) = PickCondition(random);
                var seasonal = item.Category.SeasonalByQuarter[Seasons.QuarterNumber(soldAt) - 1];
                var noise = Math.Exp(NextGaussian(random) * 0.08);
                var price = item.BasePrice * conditionValue * seasonal * noise;
                planned.Add((soldAt, condition, Math.Round((decimal)Math.Max(3, price), 2), item));
            }
        }

        // Ids in date order, so the sales explorer's default order reads naturally.
        return planned
            .OrderBy(p => p.SoldAt)
            .ThenBy(p => p.Item.Photo.File, StringComparer.Ordinal)
            .Select((p, i) =>
            {
                var id = $"demo-{i + 1:00000}";
                return new PlannedSale(
                    new SaleRecord
                    {
                        Tenant = tenant,
                        ProductId = $"{id}-p",
                        SaleId = id,
                        Category = p.Item.Category.Name,
                        Brand = p.Item.Brand.Name,
                        Condition = p.Condition,
                        Title = p.Item.Title,
                        Description = $"Demo item: {p.Item.Category.Noun} by {p.Item.Brand.Name}. Real photo (clothing-small, CC0); synthetic price.",
                        SoldPrice = p.Price,
                        Currency = "EUR",
                        SoldAt = p.SoldAt,
                        Source = "demo",
                    },
                    p.Item);
            })
            .ToList();
    }

    /// <summary>The point in [0, 1] of the history below which <paramref name="share"/> of the volume falls, volume growing linearly by <see cref="Growth"/>.</summary>
    internal static double GrowthQuantile(double share)
    {
        // Volume density 1 + (g − 1)·x on [0, 1]; its cumulative share is (x + a·x²) / (1 + a) with a = (g − 1) / 2.
        const double a = (Growth - 1) / 2;
        return (-1 + Math.Sqrt(1 + (4 * a * share * (1 + a)))) / (2 * a);
    }

    private static List<(DemoPhoto Photo, int Number)> Interleaved(IReadOnlyList<DemoPhoto> photos)
    {
        var byCategory = DemoCatalog.Categories
            .Select(category => photos.Where(p => p.Category == category.Name).Select((photo, i) => (photo, i + 1)).ToList())
            .ToList();
        var ordered = new List<(DemoPhoto, int)>(photos.Count);
        for (var round = 0; byCategory.Any(c => round < c.Count); round++)
        {
            ordered.AddRange(byCategory.Where(c => round < c.Count).Select(c => c[round]));
        }

        return ordered;
    }

    private static DemoCatalog.Brand[] BrandsOf(DemoCatalog.Category category) =>
        DemoCatalog.Brands.Where(b => b.Categories.Contains(category.Name)).ToArray();

    /// <summary>
    /// One anchor photo per brand, each the photo least like the anchors before it (farthest-point sampling on cosine
    /// similarity), then every photo takes the brand of the anchor it is most like: a Voronoi split of the look space.
    /// </summary>
    private static IEnumerable<(string File, DemoCatalog.Brand Brand)> BrandsByLook(IReadOnlyList<(string File, float[] Look)> photos, DemoCatalog.Brand[] brands)
    {
        if (photos.Count == 0)
        {
            yield break;
        }

        var anchors = new List<int> { 0 };
        var closest = photos.Select(p => Cosine(p.Look, photos[0].Look)).ToArray();
        while (anchors.Count < Math.Min(brands.Length, photos.Count))
        {
            var next = Array.IndexOf(closest, closest.Min());
            anchors.Add(next);
            for (var i = 0; i < photos.Count; i++)
            {
                closest[i] = Math.Max(closest[i], Cosine(photos[i].Look, photos[next].Look));
            }
        }

        foreach (var (file, look) in photos)
        {
            var best = anchors.MaxBy(a => Cosine(look, photos[a].Look));
            yield return (file, brands[anchors.IndexOf(best)]);
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : 0;
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset at) =>
        new(at.UtcDateTime.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static (ItemCondition, double) PickCondition(Random random)
    {
        var roll = random.NextDouble();
        foreach (var (condition, share, value) in DemoCatalog.Conditions)
        {
            roll -= share;
            if (roll <= 0)
            {
                return (condition, value);
            }
        }

        return (ItemCondition.Poor, 0.30);
    }

    private static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
