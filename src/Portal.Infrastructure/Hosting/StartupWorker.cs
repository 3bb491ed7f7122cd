using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Calibration;
using Portal.Infrastructure.Demo;

namespace Portal.Infrastructure.Hosting;

/// <summary>
/// Loads the sales index from the store, then seeds the demo tenant when configured, in the background so the portal
/// answers <c>/health/live</c> and serves pages at once; readiness reports how far it is.
/// </summary>
public sealed partial class StartupWorker(
    SalesIndexLoader loader,
    DemoSeeder seeder,
    DemoSeedingStatus status,
    RangeCalibrator calibrator,
    IOptions<DemoOptions> options,
    ILogger<StartupWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SeedDemoData)
        {
            status.Update(SeedingState.Pending, 0, options.Value.DemoSales, "Waiting for the sales index to load.");
        }

        // Let the host finish starting before the heavy work.
        await Task.Yield();
        try
        {
            await loader.LoadAsync(stoppingToken);
            LogIndexLoaded(logger, loader.SalesLoaded);
            if (options.Value.SeedDemoData)
            {
                await seeder.SeedAsync(stoppingToken);
            }

            // The ranges the job host fitted last, when recent; otherwise fitted here on the history just loaded (and persisted).
            await calibrator.LoadOrCalibrateAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogStartupFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sales index loaded with {Count} sales")]
    private static partial void LogIndexLoaded(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the index or seeding the demo tenant failed")]
    private static partial void LogStartupFailed(ILogger logger, Exception exception);
}
