using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Calibration;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Infrastructure.Tests.Hosting;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Calibration;

public sealed class RangeCalibratorTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TheJobCalibratesEachTenantsRangesFromItsStoredSalesAndTheEngineUsesThem()
    {
        using var host = InfrastructureTestHost.Build(_folder.Path);
        await AddSalesAsync(host.Services);
        var job = host.Services.GetServices<IPortalJob>().Single(j => j.Name == RangeCalibrationJob.JobName);

        var result = await job.RunAsync(new JobContext(Guid.NewGuid(), JobContext.ScheduleTrigger, new Progress<JobProgress>()), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("1 tenant currency(ies) calibrated.", result.Summary);
        var calibration = host.Services.GetRequiredService<RangeCalibrations>().For(Tenant, "EUR");
        Assert.NotNull(calibration);
        Assert.InRange(calibration!.Residuals, 140, 149);
        Assert.Null(host.Services.GetRequiredService<RangeCalibrations>().For(Tenant, "USD"));
        // Persisted for the other hosts.
        var persisted = Assert.Single(await host.Services.GetRequiredService<IRangeCalibrationStore>().GetCalibrationsAsync(CancellationToken.None));
        Assert.Equal(calibration.Residuals, persisted.Calibration.Residuals);
    }

    [Fact]
    public async Task AtStartARecentPersistedCalibrationIsTakenInsteadOfFittingAgain()
    {
        using var host = InfrastructureTestHost.Build(_folder.Path);
        await AddSalesAsync(host.Services);
        var jobHostFit = Marked(residuals: 12345);
        await host.Services.GetRequiredService<IRangeCalibrationStore>().SaveCalibrationAsync(
            new StoredRangeCalibration(Tenant, "EUR", jobHostFit, DateTimeOffset.UtcNow.AddHours(-20)), CancellationToken.None);

        var fitted = await host.Services.GetRequiredService<RangeCalibrator>().LoadOrCalibrateAllAsync(CancellationToken.None);

        Assert.Equal(0, fitted);
        Assert.Equal(12345, host.Services.GetRequiredService<RangeCalibrations>().For(Tenant, "EUR")!.Residuals);
    }

    [Fact]
    public async Task AtStartAStalePersistedCalibrationIsFittedAgainAndTheNewFitPersisted()
    {
        using var host = InfrastructureTestHost.Build(_folder.Path);
        await AddSalesAsync(host.Services);
        var store = host.Services.GetRequiredService<IRangeCalibrationStore>();
        await store.SaveCalibrationAsync(new StoredRangeCalibration(Tenant, "EUR", Marked(residuals: 12345), DateTimeOffset.UtcNow.AddDays(-3)), CancellationToken.None);

        var fitted = await host.Services.GetRequiredService<RangeCalibrator>().LoadOrCalibrateAllAsync(CancellationToken.None);

        Assert.Equal(1, fitted);
        Assert.InRange(host.Services.GetRequiredService<RangeCalibrations>().For(Tenant, "EUR")!.Residuals, 140, 149);
        Assert.InRange(Assert.Single(await store.GetCalibrationsAsync(CancellationToken.None)).Calibration.Residuals, 140, 149);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("2.00:00:00")]
    public void ARefreshIntervalOutsideOneSecondToOneDayIsRefusedNamingTheSetting(string interval)
    {
        using var host = InfrastructureTestHost.Build(_folder.Path, ("Pricing:CalibrationRefreshInterval", interval));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<PricingOptions>>().Value);

        Assert.Contains("Pricing:CalibrationRefreshInterval", error.Message, StringComparison.Ordinal);
    }

    private static RangeCalibration Marked(int residuals) =>
        new([new CalibrationBand(double.NegativeInfinity, -0.1, 0.1, residuals)], residuals, 0.82);

    private static async Task AddSalesAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<ISalesStore>();
        var index = services.GetRequiredService<ISalesIndex>();
        var random = new Random(9);
        var now = DateTimeOffset.UtcNow;
        var sales = new List<(SaleRecord, StoredEmbedding?)>();
        for (var i = 0; i < 150; i++)
        {
            var sale = new SaleRecord
            {
                Tenant = Tenant, ProductId = $"p{i}", SaleId = $"s{i:D3}", Category = "shoes", Brand = "Acme",
                SoldPrice = 50m + random.Next(0, 100), Currency = "EUR", SoldAt = now.AddDays(-300 + i * 2),
            };
            var embedding = new StoredEmbedding("m", [1, (float)random.NextDouble(), (float)random.NextDouble(), 0]);
            sales.Add((sale, embedding));
            index.Add(sale, embedding);
        }

        await store.AddSalesAsync(sales, CancellationToken.None);
    }
}
