using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Evaluation;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Calibration;

/// <summary>
/// Refits each tenant's price ranges on its own history: the most recent sales priced again in time order (each only from
/// the sales before it), and per currency the narrowest ranges that held the configured share of their errors. Each fit is
/// persisted with its time, so the other hosts take it (<see cref="RangeCalibrationRefresher"/>) instead of fitting their own.
/// </summary>
public sealed partial class RangeCalibrator(
    ISalesStore store,
    ISalesIndex index,
    VisualSimilarityPricingEngine engine,
    IOptions<PricingOptions> options,
    RangeCalibrations calibrations,
    IRangeCalibrationStore calibrationStore,
    TimeProvider time,
    ILogger<RangeCalibrator> logger)
{
    /// <summary>The most recent sales a calibration prices again: enough for three bands, bounded in time.</summary>
    public const int MaxItems = 3000;

    /// <summary>
    /// A persisted calibration younger than this is taken at start instead of fitting again: the nightly job refits every
    /// day, so an older one means the job host has not run it.
    /// </summary>
    public static readonly TimeSpan PersistedFreshFor = TimeSpan.FromDays(2);

    public async Task<int> CalibrateAllAsync(IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var tenants = await store.GetTenantsAsync(cancellationToken);
        var calibrated = 0;
        for (var i = 0; i < tenants.Count; i++)
        {
            calibrated += await CalibrateAsync(tenants[i], cancellationToken);
            progress?.Report((i + 1, tenants.Count));
        }

        return calibrated;
    }

    /// <summary>
    /// At a host's start: the persisted calibrations, and a fit (persisted too) only for the tenants that have none younger
    /// than <see cref="PersistedFreshFor"/>. Returns how many tenants were fitted here.
    /// </summary>
    public async Task<int> LoadOrCalibrateAllAsync(CancellationToken cancellationToken)
    {
        var fresh = new HashSet<TenantId>();
        var freshSince = time.GetUtcNow() - PersistedFreshFor;
        foreach (var persisted in await calibrationStore.GetCalibrationsAsync(cancellationToken))
        {
            calibrations.TryApplyNewer(persisted.Tenant, persisted.Currency, persisted.Calibration, persisted.CalibratedAt);
            if (persisted.CalibratedAt >= freshSince)
            {
                fresh.Add(persisted.Tenant);
            }
        }

        var fitted = 0;
        foreach (var tenant in await store.GetTenantsAsync(cancellationToken))
        {
            if (fresh.Contains(tenant))
            {
                LogTakenFromStore(logger, tenant.Value);
                continue;
            }

            await CalibrateAsync(tenant, cancellationToken);
            fitted++;
        }

        return fitted;
    }

    /// <summary>Calibrates one tenant; returns how many currencies got a calibration.</summary>
    public async Task<int> CalibrateAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var items = new List<BacktestItem>();
        await foreach (var (sale, embedding) in store.StreamSalesAsync(tenant, cancellationToken))
        {
            if (embedding is not null)
            {
                items.Add(new BacktestItem(sale, embedding));
            }
        }

        var calibrated = 0;
        foreach (var currency in items.GroupBy(i => i.Sale.Currency, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var recent = currency.OrderBy(i => i.Sale.SoldAt).TakeLast(MaxItems).ToList();
            var calibration = new Backtester(index, engine, options.Value).Calibrate(tenant, recent);
            if (calibration is null)
            {
                LogTooFew(logger, tenant.Value, currency.Key, recent.Count);
                continue;
            }

            var calibratedAt = time.GetUtcNow();
            await calibrationStore.SaveCalibrationAsync(new StoredRangeCalibration(tenant, currency.Key, calibration, calibratedAt), cancellationToken);
            calibrations.TryApplyNewer(tenant, currency.Key, calibration, calibratedAt);
            calibrated++;
            LogCalibrated(logger, tenant.Value, currency.Key, calibration.Residuals, calibration.Bands.Count);
        }

        return calibrated;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ranges of tenant {Tenant} in {Currency} calibrated on {Residuals} backtested sales, {Bands} confidence band(s)")]
    private static partial void LogCalibrated(ILogger logger, string tenant, string currency, int residuals, int bands);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Tenant} in {Currency}: {Count} sales priced again, too few to calibrate ranges; the comparables' own quantiles stay")]
    private static partial void LogTooFew(ILogger logger, string tenant, string currency, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ranges of tenant {Tenant} taken from the store, fitted recently by the job host")]
    private static partial void LogTakenFromStore(ILogger logger, string tenant);
}
