using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Jobs;
using Portal.Core.Validation;

namespace Portal.Core.Validation;

/// <summary>
/// The nightly validation (<c>validation</c>, 03:00 UTC by default): validates, raises one alert per tenant whose partitions
/// drift past the threshold, and persists the report (saved as Running first, so a crashed run still shows).
/// </summary>
public sealed partial class NightlyValidationJob(
    SalesValidator validator,
    IValidationReportStore reports,
    AlertPublisher alerts,
    TimeProvider timeProvider,
    ILogger<NightlyValidationJob>? logger = null) : IPortalJob
{
    public const string JobName = "validation";

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public string Name => JobName;

    public string DisplayName => "Nightly validation";

    public static string DetailUrl(Guid runId) => $"/ops/validation/{runId:D}";

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = new ValidationRun
        {
            RunId = context.RunId,
            Trigger = context.Trigger,
            StartedAt = timeProvider.GetUtcNow(),
            Status = ValidationRunStatus.Running,
            VarianceThresholdPercent = validator.VarianceThreshold,
        };
        await reports.SaveAsync(run, cancellationToken);
        var url = DetailUrl(run.RunId);

        ValidationOutcome outcome;
        try
        {
            outcome = await validator.ValidateAsync(context.Progress, cancellationToken);
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(run, url, ex);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            return new JobResult(false, $"Validation failed: {ex.Message}", url);
        }

        var raised = await RaiseAlertsAsync(outcome, run.VarianceThresholdPercent, url, cancellationToken);
        await reports.SaveAsync(run with
        {
            Status = ValidationRunStatus.Succeeded,
            FinishedAt = timeProvider.GetUtcNow(),
            Partitions = outcome.Partitions,
            Findings = outcome.Findings,
            Alerts = raised,
        }, CancellationToken.None);

        var summary = Summary(outcome, raised.Count);
        LogFinished(_logger, run.RunId, summary);
        return new JobResult(true, summary, url);
    }

    /// <summary>A critical alert and the run saved as Failed, even when the run was cancelled.</summary>
    private async Task RecordFailureAsync(ValidationRun run, string url, Exception ex)
    {
        var failure = new Alert(JobName, AlertSeverity.Critical, "Validation run failed",
            ex is OperationCanceledException ? "The run was cancelled." : ex.Message, null, timeProvider.GetUtcNow(), url);
        await alerts.PublishAsync(failure, CancellationToken.None);
        await reports.SaveAsync(run with
        {
            Status = ValidationRunStatus.Failed,
            FinishedAt = timeProvider.GetUtcNow(),
            Error = ex.Message,
            Alerts = [failure],
        }, CancellationToken.None);
        LogFailed(_logger, run.RunId, ex);
    }

    /// <summary>One warning per tenant with partitions over the threshold, naming up to twelve of them and the worst.</summary>
    private async Task<List<Alert>> RaiseAlertsAsync(ValidationOutcome outcome, double thresholdPercent, string url, CancellationToken cancellationToken)
    {
        var raised = new List<Alert>();
        foreach (var tenant in outcome.Partitions.Where(p => p.OverThreshold).GroupBy(p => p.Partition.Tenant))
        {
            var worst = tenant.MaxBy(p => p.VariancePercent)!;
            var alert = new Alert(JobName, AlertSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"Store and lake disagree for {tenant.Key.Value}"),
                string.Create(CultureInfo.InvariantCulture,
                    $"{tenant.Count()} partition(s) over {thresholdPercent:0.##} % variance: " +
                    $"{string.Join(", ", tenant.Take(12).Select(p => $"{p.Partition.Year:D4}-{p.Partition.Month:D2} (store {p.StoreCount}, lake {p.LakeCount})"))}" +
                    $"; worst {worst.VariancePercent:0.#} %."),
                tenant.Key, timeProvider.GetUtcNow(), url);
            raised.Add(alert);
            await alerts.PublishAsync(alert, cancellationToken);
        }

        return raised;
    }

    private static string Summary(ValidationOutcome outcome, int alertCount)
    {
        var over = outcome.Partitions.Count(p => p.OverThreshold);
        var rows = outcome.Partitions.Sum(p => p.StoreCount);
        return string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Partitions.Count} partitions, {rows} store rows; {over} over the variance threshold; {outcome.Findings.Sum(f => f.Count)} finding rows; {alertCount} alert(s).");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Validation run {RunId} finished: {Summary}")]
    private static partial void LogFinished(ILogger logger, Guid runId, string summary);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Validation run {RunId} failed")]
    private static partial void LogFailed(ILogger logger, Guid runId, Exception exception);
}
