using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Lake;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The embedded default: DuckDB in process over the Parquet lake.</summary>
public sealed class DuckDbSalesAnalyticsTests : SalesAnalyticsContract
{
    protected override Task<ISalesAnalytics> CreateAnalyticsAsync(LakeOptions options, TimeProvider time) =>
        Task.FromResult<ISalesAnalytics>(new DuckDbSalesAnalytics(options, time));
}
