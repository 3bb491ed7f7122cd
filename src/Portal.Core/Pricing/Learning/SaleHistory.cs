using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Learning;

/// <summary>
/// What the tenant's own history says about an item before any photo is compared: the category's level, and the brand's
/// level and spread in the category and across all categories. Logs of prices, so a model learns ratios.
/// </summary>
public sealed record SaleHistory(
    double LogCategoryMedian,
    int CategoryCount,
    double? LogBrandCategoryMedian,
    int BrandCategoryCount,
    double? LogBrandMedian,
    int BrandCount,
    double BrandLogSpread,
    double? LogBrandLast)
{
    /// <summary>
    /// The history an item priced on <paramref name="query"/>'s date may know: sales of the same currency sold in the engine's
    /// widest window up to the query's cutoff, the query's exclusions left out.
    /// </summary>
    public static SaleHistory Of(ISalesIndex index, PricingQuery query, string currency, PricingOptions options, DateTimeOffset pricingDate)
    {
        var until = query.ApplyLookback ? query.CandidatesUntil ?? pricingDate : DateTimeOffset.MaxValue;
        var from = query.ApplyLookback ? pricingDate - options.MaxLookbackWindow : DateTimeOffset.MinValue;
        bool Known(SaleRecord s) => s.SoldAt >= from && s.SoldAt <= until && s.Currency == currency && !query.ExcludedSaleIds.Contains(s.SaleId);

        var category = new List<double>();
        var brandInCategory = new List<double>();
        foreach (var sale in index.GetCategorySales(query.Tenant, query.Category).Sales)
        {
            if (!Known(sale))
            {
                continue;
            }

            var log = Math.Log((double)sale.SoldPrice);
            category.Add(log);
            if (SameBrand(sale, query.Brand))
            {
                brandInCategory.Add(log);
            }
        }

        var brand = new List<(DateTimeOffset At, double Log)>();
        if (!string.IsNullOrWhiteSpace(query.Brand))
        {
            foreach (var name in index.GetCategories(query.Tenant))
            {
                foreach (var sale in index.GetCategorySales(query.Tenant, name).Sales)
                {
                    if (SameBrand(sale, query.Brand) && Known(sale))
                    {
                        brand.Add((sale.SoldAt, Math.Log((double)sale.SoldPrice)));
                    }
                }
            }
        }

        var brandLogs = brand.Select(b => b.Log).ToArray();
        return new SaleHistory(
            LogCategoryMedian: category.Count > 0 ? WeightedStatistics.Median(category.ToArray()) : double.NaN,
            CategoryCount: category.Count,
            LogBrandCategoryMedian: brandInCategory.Count > 0 ? WeightedStatistics.Median(brandInCategory.ToArray()) : null,
            BrandCategoryCount: brandInCategory.Count,
            LogBrandMedian: brandLogs.Length > 0 ? WeightedStatistics.Median(brandLogs) : null,
            BrandCount: brandLogs.Length,
            BrandLogSpread: brandLogs.Length > 1 ? StandardDeviation(brandLogs) : 0,
            LogBrandLast: brand.Count > 0 ? brand.MaxBy(b => b.At).Log : null);
    }

    private static bool SameBrand(SaleRecord sale, string? brand) =>
        !string.IsNullOrWhiteSpace(brand) && string.Equals(sale.Brand, brand, StringComparison.OrdinalIgnoreCase);

    private static double StandardDeviation(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
