using Microsoft.Extensions.Time.Testing;
using Portal.Core.Pricing.Calibration;
using Portal.Core.Pricing.Engine;
using Portal.Core.Sales;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Calibration;

/// <summary>
/// The behaviour every <see cref="IRangeCalibrationStore"/> must have (the SQLite sales file, the DynamoDB table on dynalite):
/// what one store instance (the job host) writes, another (a portal) reads back exactly; per tenant and currency the latest
/// fit wins and an older one never replaces it.
/// </summary>
public abstract class RangeCalibrationStoreContract : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(Now);

    /// <summary>A new store over this test's storage (another host on the same file or table).</summary>
    protected abstract IRangeCalibrationStore Open();

    protected virtual Task InitializeStorageAsync() => Task.CompletedTask;

    protected virtual Task DisposeStorageAsync() => Task.CompletedTask;

    public Task InitializeAsync() => InitializeStorageAsync();

    public Task DisposeAsync() => DisposeStorageAsync();

    [Fact]
    public async Task ACalibrationWrittenByOneInstanceIsReadByAnotherExactly()
    {
        var jobHost = Open();
        var portal = Open();
        Assert.Empty(await portal.GetCalibrationsAsync(Ct));
        var fitted = Calibration(low: -0.41, high: 0.37, residuals: 412);

        Assert.True(await jobHost.SaveCalibrationAsync(new StoredRangeCalibration(new TenantId("acme"), "EUR", fitted, Now), Ct));

        var read = Assert.Single(await portal.GetCalibrationsAsync(Ct));
        Assert.Equal(new TenantId("acme"), read.Tenant);
        Assert.Equal("EUR", read.Currency);
        Assert.Equal(Now, read.CalibratedAt);
        Assert.Equal(fitted.Residuals, read.Calibration.Residuals);
        Assert.Equal(fitted.Coverage, read.Calibration.Coverage);
        // The first band's open lower bound (-∞) survives the trip, so every confidence still finds a band.
        Assert.Equal(fitted.Bands, read.Calibration.Bands);
        Assert.Equal(read.Calibration.Bands[0], read.Calibration.BandFor(0));
    }

    [Fact]
    public async Task TheLatestFitWinsPerTenantAndCurrencyAndAnOlderOneNeverReplacesIt()
    {
        var store = Open();
        await store.SaveCalibrationAsync(new StoredRangeCalibration(new TenantId("acme"), "EUR", Calibration(-0.5, 0.5, 100), Now), Ct);
        await store.SaveCalibrationAsync(new StoredRangeCalibration(new TenantId("acme"), "USD", Calibration(-0.2, 0.2, 60), Now), Ct);
        await store.SaveCalibrationAsync(new StoredRangeCalibration(new TenantId("beta"), "EUR", Calibration(-0.3, 0.3, 70), Now), Ct);

        var newer = await Open().SaveCalibrationAsync(new StoredRangeCalibration(new TenantId("acme"), "EUR", Calibration(-0.4, 0.4, 200), Now.AddDays(1)), Ct);
        var older = await Open().SaveCalibrationAsync(new StoredRangeCalibration(new TenantId("acme"), "EUR", Calibration(-0.9, 0.9, 50), Now.AddHours(1)), Ct);

        Assert.True(newer);
        Assert.False(older);
        var all = (await Open().GetCalibrationsAsync(Ct)).OrderBy(c => c.Tenant.Value).ThenBy(c => c.Currency).ToArray();
        Assert.Equal(["acme/EUR/200", "acme/USD/60", "beta/EUR/70"], all.Select(c => $"{c.Tenant.Value}/{c.Currency}/{c.Calibration.Residuals}"));
        Assert.Equal(Now.AddDays(1), all[0].CalibratedAt);
    }

    private static RangeCalibration Calibration(double low, double high, int residuals) => new(
        [
            new CalibrationBand(double.NegativeInfinity, low, high, residuals / 2),
            new CalibrationBand(0.61, low / 2, high / 2, residuals - residuals / 2),
        ],
        residuals,
        0.82);
}
