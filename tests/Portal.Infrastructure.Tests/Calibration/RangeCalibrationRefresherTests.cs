using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Pricing.Calibration;
using Portal.Core.Pricing.Engine;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Calibration;

/// <summary>
/// A portal that does not run the nightly refit takes the job host's newer calibration from the shared store on its refresh
/// cadence (two store instances on one SQLite file, as two processes on one data directory).
/// </summary>
public sealed class RangeCalibrationRefresherTests : IDisposable
{
    private static readonly TenantId Acme = new("acme");
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(StorageTestData.Now);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task APortalPicksUpTheJobHostsNewerCalibrationAfterTheRefreshInterval()
    {
        using var jobHostStore = OpenStore();
        using var portalStore = OpenStore();
        var portalCalibrations = new RangeCalibrations();
        portalCalibrations.Set(Acme, "EUR", Calibration(100), StorageTestData.Now.AddDays(-1));
        using var refresher = new RangeCalibrationRefresher(
            portalStore, portalCalibrations, Options.Create(new PricingOptions { CalibrationRefreshInterval = Interval }), _time,
            NullLogger<RangeCalibrationRefresher>.Instance);
        await refresher.StartAsync(CancellationToken.None);

        await jobHostStore.SaveCalibrationAsync(new StoredRangeCalibration(Acme, "EUR", Calibration(200), _time.GetUtcNow()), CancellationToken.None);
        _time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(100, portalCalibrations.For(Acme, "EUR")!.Residuals);

        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => portalCalibrations.For(Acme, "EUR")!.Residuals == 200);

        // The next fit, a night later, arrives the same way; the portal never goes back to an older one.
        _time.Advance(TimeSpan.FromDays(1) - Interval);
        await jobHostStore.SaveCalibrationAsync(new StoredRangeCalibration(Acme, "EUR", Calibration(300), _time.GetUtcNow()), CancellationToken.None);
        await jobHostStore.SaveCalibrationAsync(new StoredRangeCalibration(Acme, "USD", Calibration(40), _time.GetUtcNow()), CancellationToken.None);
        _time.Advance(Interval);
        await WaitUntilAsync(() => portalCalibrations.For(Acme, "EUR")!.Residuals == 300 && portalCalibrations.For(Acme, "USD") is not null);
        Assert.Equal(_time.GetUtcNow() - Interval, portalCalibrations.CalibratedAt(Acme, "EUR"));
        Assert.Equal(0, await refresher.RefreshAsync(CancellationToken.None));

        await refresher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void TheHeldCalibrationIsReplacedOnlyByANewerOne()
    {
        var calibrations = new RangeCalibrations();

        Assert.True(calibrations.TryApplyNewer(Acme, "EUR", Calibration(100), StorageTestData.Now));
        Assert.False(calibrations.TryApplyNewer(Acme, "EUR", Calibration(50), StorageTestData.Now.AddHours(-1)));
        Assert.False(calibrations.TryApplyNewer(Acme, "EUR", Calibration(60), StorageTestData.Now));
        Assert.True(calibrations.TryApplyNewer(Acme, "EUR", Calibration(200), StorageTestData.Now.AddHours(1)));

        Assert.Equal(200, calibrations.For(Acme, "EUR")!.Residuals);
    }

    private SqliteSalesStore OpenStore() =>
        new(new SqliteStoreOptions { DatabasePath = Path.Combine(_folder.Path, "sales.db") }, _time);

    private static RangeCalibration Calibration(int residuals) =>
        new([new CalibrationBand(double.NegativeInfinity, -0.2, 0.3, residuals)], residuals, 0.82);

    /// <summary>The refresher reads the store on a thread of its own after the tick: wait for it, bounded.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
