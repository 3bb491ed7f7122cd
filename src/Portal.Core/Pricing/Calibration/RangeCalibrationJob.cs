using Portal.Core.Jobs;

namespace Portal.Core.Pricing.Calibration;

/// <summary>The nightly refit of every tenant's price ranges (<see cref="RangeCalibrator"/>); also run once after start.</summary>
public sealed class RangeCalibrationJob(RangeCalibrator calibrator) : IPortalJob
{
    public const string JobName = "range-calibration";

    public string Name => JobName;

    public string DisplayName => "Price range calibration";

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var calibrated = await calibrator.CalibrateAllAsync(
            new Progress<(int Done, int Total)>(p => context.Progress.Report(new JobProgress(p.Done, p.Total, $"{p.Done} of {p.Total} tenants"))),
            cancellationToken);
        return new JobResult(true, $"{calibrated} tenant currency(ies) calibrated.");
    }
}
