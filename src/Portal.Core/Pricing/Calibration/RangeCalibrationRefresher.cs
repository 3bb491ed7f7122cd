using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing.Calibration;

/// <summary>
/// Keeps a pricing host's <see cref="RangeCalibrations"/> in step with the store: every <see cref="PricingOptions.CalibrationRefreshInterval"/>
/// it reads the persisted calibrations (a few rows, one per tenant and currency) and takes each that is newer than its own,
/// so the nightly refit on the job host reaches every portal.
/// </summary>
public sealed partial class RangeCalibrationRefresher(
    IRangeCalibrationStore store,
    RangeCalibrations calibrations,
    IOptions<PricingOptions> options,
    TimeProvider time,
    ILogger<RangeCalibrationRefresher> logger) : BackgroundService
{
    /// <summary>Takes every persisted calibration newer than the one held; returns how many were taken.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        foreach (var persisted in await store.GetCalibrationsAsync(cancellationToken))
        {
            if (calibrations.TryApplyNewer(persisted.Tenant, persisted.Currency, persisted.Calibration, persisted.CalibratedAt))
            {
                taken++;
                LogTaken(logger, persisted.Tenant.Value, persisted.Currency, persisted.CalibratedAt);
            }
        }

        return taken;
    }

    private PeriodicTimer? _timer;

    /// <summary>The interval counts from the start, not from whenever the background thread gets to run the loop.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(options.Value.CalibrationRefreshInterval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("The refresher runs only once started.");
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The ranges held stay in use; the next tick tries again.
                    LogRefreshFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ranges of tenant {Tenant} in {Currency} refreshed from the store (fitted {CalibratedAt:o})")]
    private static partial void LogTaken(ILogger logger, string tenant, string currency, DateTimeOffset calibratedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the persisted range calibrations failed; the ranges held stay until the next try")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
