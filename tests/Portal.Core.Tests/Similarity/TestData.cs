using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Tests.Similarity;

internal static class TestData
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SaleRecord Sale(string saleId, string category = "shoes", DateTimeOffset? soldAt = null, TenantId? tenant = null) => new()
    {
        Tenant = tenant ?? Tenant,
        ProductId = "p-" + saleId,
        SaleId = saleId,
        Category = category,
        SoldPrice = 10m,
        Currency = "EUR",
        SoldAt = soldAt ?? Epoch,
    };

    /// <summary>Unit vectors grouped around <paramref name="clusters"/> random centres; noise of norm ≈ <paramref name="spread"/>.</summary>
    public static float[][] Clustered(int count, int dimension, int clusters, int seed, float spread = 0.8f)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Gaussian(random, dimension, 1f)).ToArray();
        var result = new float[count][];
        for (var i = 0; i < count; i++)
        {
            result[i] = Around(random, centres[random.Next(clusters)], spread);
        }

        return result;
    }

    public static float[] Around(Random random, float[] centre, float spread)
    {
        var noise = Gaussian(random, centre.Length, spread / MathF.Sqrt(centre.Length));
        var unitCentre = VectorMath.Normalize(centre);
        for (var d = 0; d < noise.Length; d++)
        {
            noise[d] += unitCentre[d];
        }

        return VectorMath.Normalize(noise);
    }

    public static float[] Gaussian(Random random, int dimension, float sigma)
    {
        var v = new float[dimension];
        for (var d = 0; d < dimension; d++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            v[d] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) * sigma;
        }

        return v;
    }

    public static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The reference answer: score everything in double precision, filter, sort, take k.</summary>
    public static List<(string SaleId, double Score)> NaiveTopK(
        IReadOnlyList<(SaleRecord Sale, float[] Vector)> items, float[] query, SearchFilter filter, int k, float minSimilarity) =>
        items
            .Where(i => (filter.SoldFrom is null || i.Sale.SoldAt >= filter.SoldFrom)
                && (filter.SoldTo is null || i.Sale.SoldAt <= filter.SoldTo)
                && (filter.ExcludedSaleIds is null || !filter.ExcludedSaleIds.Contains(i.Sale.SaleId)))
            .Select(i => (i.Sale.SaleId, Score: Dot(i.Vector, query)))
            .Where(x => x.Score >= minSimilarity)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.SaleId, StringComparer.Ordinal)
            .Take(k)
            .ToList();
}
