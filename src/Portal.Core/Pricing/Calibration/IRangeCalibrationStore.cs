using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing.Calibration;

/// <summary>
/// Where a tenant's range calibrations live between hosts: the host that runs the nightly refit writes them, every host that
/// prices reads them at start and on a cadence, so all portals behind one load balancer give the same ranges.
/// </summary>
public interface IRangeCalibrationStore
{
    /// <summary>
    /// Stores the calibration of its tenant and currency unless a newer one (a later <see cref="StoredRangeCalibration.CalibratedAt"/>)
    /// is there already; returns true when stored.
    /// </summary>
    Task<bool> SaveCalibrationAsync(StoredRangeCalibration calibration, CancellationToken cancellationToken);

    /// <summary>The latest calibration of every tenant and currency.</summary>
    Task<IReadOnlyList<StoredRangeCalibration>> GetCalibrationsAsync(CancellationToken cancellationToken);
}

/// <summary>One tenant's calibration in one currency and when it was fitted (its version: the later one wins).</summary>
public sealed record StoredRangeCalibration(TenantId Tenant, string Currency, RangeCalibration Calibration, DateTimeOffset CalibratedAt);
