using System.Collections.Concurrent;
using Portal.Core.Sales;

namespace Portal.Web.Tests.Components;

/// <summary>
/// The page's port answered by the test: each panel query waits for its <see cref="TaskCompletionSource{TResult}"/>,
/// so a test can look at the loading state, then complete, fail or empty each panel.
/// </summary>
internal sealed class ScriptedSalesAnalytics : ISalesAnalytics
{
    public TaskCompletionSource<IReadOnlyList<MonthlyTrendRow>> Monthly { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<IReadOnlyList<SeasonalIndexRow>> Seasonal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<IReadOnlyList<BrandPerformanceRow>> Brands { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<IReadOnlyList<PriceHistogramBin>> Histogram { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(string Query, TenantId Tenant, AnalyticsFilter? Filter)> Calls { get; } = new();

    public IReadOnlyList<string> CategoryList { get; init; } = ["bags", "dresses"];

    public IReadOnlyList<string> BrandList { get; init; } = ["mango", "zara"];

    public Task<IReadOnlyList<MonthlyTrendRow>> MonthlyTrendAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken) =>
        Record("monthly", tenant, filter, Monthly, cancellationToken);

    public Task<IReadOnlyList<BrandPerformanceRow>> BrandPerformanceAsync(
        TenantId tenant, AnalyticsFilter filter, DateTimeOffset asOf, int lookbackDays, int minSales, CancellationToken cancellationToken) =>
        Record("brands", tenant, filter, Brands, cancellationToken);

    public Task<IReadOnlyList<SeasonalIndexRow>> SeasonalIndexAsync(TenantId tenant, AnalyticsFilter filter, CancellationToken cancellationToken) =>
        Record("seasonal", tenant, filter, Seasonal, cancellationToken);

    public Task<IReadOnlyList<PriceHistogramBin>> PriceHistogramAsync(TenantId tenant, AnalyticsFilter filter, int bins, CancellationToken cancellationToken) =>
        Record("histogram", tenant, filter, Histogram, cancellationToken);

    public Task<IReadOnlyList<string>> CategoriesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("categories", tenant, null));
        return Task.FromResult(CategoryList);
    }

    public Task<IReadOnlyList<string>> BrandsAsync(TenantId tenant, string? category, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("brand-list", tenant, null));
        return Task.FromResult(BrandList);
    }

    public Task<long> CountRowsAsync(TenantId tenant, CancellationToken cancellationToken) => Task.FromResult(0L);

    private Task<IReadOnlyList<T>> Record<T>(
        string query, TenantId tenant, AnalyticsFilter filter, TaskCompletionSource<IReadOnlyList<T>> answer, CancellationToken cancellationToken)
    {
        Calls.Enqueue((query, tenant, filter));
        return answer.Task.WaitAsync(cancellationToken);
    }
}
