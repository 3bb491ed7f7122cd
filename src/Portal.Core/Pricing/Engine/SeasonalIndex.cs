
namespace Portal.Core.Pricing.Engine;

/// <summary>
/// A category's price level per quarter relative to its overall level (1 = average quarter),
/// from the tenant's own history and shrunk toward 1 where a quarter has few sales.
/// </summary>
public sealed record SeasonalIndex(IReadOnlyDictionary<int, double> ByQuarter, IReadOnlyDictionary<int, int> SalesByQuarter)
{
    public static SeasonalIndex Neutral { get; } = new(
        Enumerable.Range(1, 4).ToDictionary(q => q, _ => 1.0),
        Enumerable.Range(1, 4).ToDictionary(q => q, _ => 0));

    public double For(int quarter) => ByQuarter.TryGetValue(quarter, out var value) ? value : 1.0;

    /// <summary>Factor that moves a price observed in <paramref name="saleQuarter"/> to <paramref name="targetQuarter"/>.</summary>
    public double Factor(int saleQuarter, int targetQuarter, double maxFactor)
    {
        var factor = For(targetQuarter) / For(saleQuarter);
        return Math.Clamp(factor, 1 / maxFactor, maxFactor);
    }

    /// <summary>
    /// Ratio of each quarter's median price to the overall median, shrunk as
    /// <c>(n·raw + k·1) / (n + k)</c> with k = <paramref name="shrinkage"/>.
    /// Medians, not means, so a few luxury sales do not make a season.
    /// </summary>
    public static SeasonalIndex Compute(IReadOnlyList<SaleRecord> sales, double shrinkage)
    {
        if (sales.Count == 0)
        {
            return Neutral;
        }

        var all = new double[sales.Count];
        var byQuarter = new Dictionary<int, List<double>>();
        for (var i = 0; i < sales.Count; i++)
        {
            var price = (double)sales[i].SoldPrice;
            all[i] = price;
            var quarter = Seasons.QuarterNumber(sales[i].SoldAt);
            if (!byQuarter.TryGetValue(quarter, out var list))
            {
                byQuarter[quarter] = list = [];
            }

            list.Add(price);
        }

        var overall = WeightedStatistics.Median(all);
        var index = new Dictionary<int, double>();
        var counts = new Dictionary<int, int>();
        for (var quarter = 1; quarter <= 4; quarter++)
        {
            var n = byQuarter.TryGetValue(quarter, out var prices) ? prices.Count : 0;
            counts[quarter] = n;
            var raw = n > 0 && overall > 0 ? WeightedStatistics.Median(prices!.ToArray()) / overall : 1.0;
            index[quarter] = (n * raw + shrinkage) / (n + shrinkage);
        }

        return new SeasonalIndex(index, counts);
    }
}
