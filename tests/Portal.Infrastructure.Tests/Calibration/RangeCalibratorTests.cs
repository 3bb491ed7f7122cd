using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Calibration;
using Portal.Infrastructure.Tests.Hosting;
using Portal.Infrastructure.Tests.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Engine;
using Portal.Pricing.Operations;
using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;

namespace Portal.Infrastructure.Tests.Calibration;

public sealed class RangeCalibratorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TheJobCalibratesEachTenantsRangesFromItsStoredSalesAndTheEngineUsesThem()
    {
        using var host = InfrastructureTestHost.Build(_folder.Path);
        var store = host.Services.GetRequiredService<ISalesStore>();
        var index = host.Services.GetRequiredService<ISalesIndex>();
        var tenant = new TenantId("acme");
        var random = new Random(9);
        var now = DateTimeOffset.UtcNow;
        var sales = new List<(SaleRecord, StoredEmbedding?)>();
        for (var i = 0; i < 150; i++)
        {
            var sale = new SaleRecord
            {
                Tenant = tenant, ProductId = $"p{i}", SaleId = $"s{i:D3}", Category = "shoes", Brand = "Acme",
                SoldPrice = 50m + random.Next(0, 100), Currency = "EUR", SoldAt = now.AddDays(-300 + i * 2),
            };
            var embedding = new StoredEmbedding("m", [1, (float)random.NextDouble(), (float)random.NextDouble(), 0]);
            sales.Add((sale, embedding));
            index.Add(sale, embedding);
        }

        await store.AddSalesAsync(sales, CancellationToken.None);
        var job = host.Services.GetServices<IPortalJob>().Single(j => j.Name == RangeCalibrationJob.JobName);

        var result = await job.RunAsync(new JobContext(Guid.NewGuid(), JobContext.ScheduleTrigger, new Progress<JobProgress>()), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("1 tenant currency(ies) calibrated.", result.Summary);
        var calibration = host.Services.GetRequiredService<RangeCalibrations>().For(tenant, "EUR");
        Assert.NotNull(calibration);
        Assert.InRange(calibration!.Residuals, 140, 149);
        Assert.Null(host.Services.GetRequiredService<RangeCalibrations>().For(tenant, "USD"));
    }
}
