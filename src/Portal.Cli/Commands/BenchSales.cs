using System.Globalization;

namespace Portal.Cli.Commands;

/// <summary>The synthetic sales and vectors the index-load benches write: the same shapes, so their figures compare.</summary>
internal static class BenchSales
{
    public static SaleRecord Sale(TenantId tenant, int i, DateTimeOffset soldAt) => new()
    {
        Tenant = tenant,
        ProductId = "p-" + i.ToString(CultureInfo.InvariantCulture),
        SaleId = "s-" + i.ToString(CultureInfo.InvariantCulture),
        Category = "c" + (i % 20).ToString(CultureInfo.InvariantCulture),
        Brand = "b" + (i % 50).ToString(CultureInfo.InvariantCulture),
        SoldPrice = 10 + i % 90,
        Currency = "EUR",
        SoldAt = soldAt,
        Source = "bench",
    };

    public static float[] Vector(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (var d = 0; d < vector.Length; d++)
        {
            vector[d] = (float)(random.NextDouble() - 0.5);
        }

        return vector;
    }
}
