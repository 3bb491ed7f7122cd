using System.Collections.Concurrent;

namespace Portal.Core.Pricing.Engine;

/// <summary>
/// Each tenant's current range calibration per currency, refreshed by the calibration job from the tenant's own time-ordered
/// backtest (and on every other host from the store where the job host persisted it); the engine reads it on every price.
/// Until a tenant has one, ranges are the comparables' own quantiles.
/// </summary>
public sealed class RangeCalibrations
{
    private readonly ConcurrentDictionary<(TenantId, string), (RangeCalibration Calibration, DateTimeOffset CalibratedAt)> _byTenant = new();

    public RangeCalibration? For(TenantId tenant, string currency) =>
        _byTenant.TryGetValue((tenant, currency), out var held) ? held.Calibration : null;

    /// <summary>When the held calibration of the tenant and currency was fitted; null when there is none.</summary>
    public DateTimeOffset? CalibratedAt(TenantId tenant, string currency) =>
        _byTenant.TryGetValue((tenant, currency), out var held) ? held.CalibratedAt : null;

    public void Set(TenantId tenant, string currency, RangeCalibration calibration) => Set(tenant, currency, calibration, DateTimeOffset.MinValue);

    public void Set(TenantId tenant, string currency, RangeCalibration calibration, DateTimeOffset calibratedAt)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        _byTenant[(tenant, currency)] = (calibration, calibratedAt);
    }

    /// <summary>Takes a persisted calibration when it is newer than the one held; returns true when taken.</summary>
    public bool TryApplyNewer(TenantId tenant, string currency, RangeCalibration calibration, DateTimeOffset calibratedAt)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var key = (tenant, currency);
        while (true)
        {
            if (!_byTenant.TryGetValue(key, out var held))
            {
                if (_byTenant.TryAdd(key, (calibration, calibratedAt)))
                {
                    return true;
                }

                continue;
            }

            if (held.CalibratedAt >= calibratedAt)
            {
                return false;
            }

            if (_byTenant.TryUpdate(key, (calibration, calibratedAt), held))
            {
                return true;
            }
        }
    }
}
