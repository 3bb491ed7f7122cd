using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Pricing.Domain;
using Portal.Pricing.Engine;
using Portal.Pricing.Evaluation;
using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;

namespace Portal.Infrastructure.Calibration;

/// <summary>
/// Refits each tenant's price ranges on its own history: the most recent sales priced again in time order (each only from
/// the sales before it), and per currency the narrowest ranges that held the configured share of their errors.
/// </summary>
public sealed partial class RangeCalibrator(
    ISalesStore store,
    ISalesIndex index,
    VisualSimilarityPricingEngine engine,
    IOptions<PricingOptions> options,
    RangeCalibrations calibrations,
    ILogger<RangeCalibrator> logger)
{
    /// <summary>The most recent sales a calibration prices again: enough for three bands, bounded in time.</summary>
    public const int MaxItems = 3000;

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

            calibrations.Set(tenant, currency.Key, calibration);
            calibrated++;
            LogCalibrated(logger, tenant.Value, currency.Key, calibration.Residuals, calibration.Bands.Count);
        }

        return calibrated;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ranges of tenant {Tenant} in {Currency} calibrated on {Residuals} backtested sales, {Bands} confidence band(s)")]
    private static partial void LogCalibrated(ILogger logger, string tenant, string currency, int residuals, int bands);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Tenant} in {Currency}: {Count} sales priced again, too few to calibrate ranges; the comparables' own quantiles stay")]
    private static partial void LogTooFew(ILogger logger, string tenant, string currency, int count);
}
