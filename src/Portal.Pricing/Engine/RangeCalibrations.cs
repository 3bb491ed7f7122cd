using System.Collections.Concurrent;
using Portal.Pricing.Domain;

namespace Portal.Pricing.Engine;

/// <summary>
/// Each tenant's current range calibration per currency, refreshed by the calibration job from the tenant's own time-ordered
/// backtest; the engine reads it on every price. Until a tenant has one, ranges are the comparables' own quantiles.
/// </summary>
public sealed class RangeCalibrations
{
    private readonly ConcurrentDictionary<(TenantId, string), RangeCalibration> _byTenant = new();

    public RangeCalibration? For(TenantId tenant, string currency) =>
        _byTenant.TryGetValue((tenant, currency), out var calibration) ? calibration : null;

    public void Set(TenantId tenant, string currency, RangeCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        _byTenant[(tenant, currency)] = calibration;
    }
}
