using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Embedded.Housekeeping;

/// <summary>
/// The embedded default's stand-in for DynamoDB's TTL sweeper (<c>housekeeping</c>, 04:00 UTC by default): deletes sales past
/// their two-year TTL, expired idempotency records and drained outbox rows, and the lake's temporary files a crash left behind.
/// Reads already ignore expired rows and temporary files, so this only keeps the disk from filling; running it twice, or not
/// at all for a while, changes no answer.
/// </summary>
public sealed class HousekeepingJob(
    SqliteSalesStore sales,
    SqliteIdempotencyStore idempotency,
    IOptions<HousekeepingOptions> options,
    ParquetSalesLake? lake = null) : IPortalJob
{
    public const string JobName = "housekeeping";

    public string Name => JobName;

    public string DisplayName => "Housekeeping (expired rows)";

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Progress.Report(new JobProgress(0, 4, "Expired sales"));
        var expiredSales = await sales.PurgeExpiredAsync(cancellationToken);
        context.Progress.Report(new JobProgress(1, 4, "Expired idempotency records"));
        var expiredKeys = await idempotency.PurgeExpiredAsync(cancellationToken);
        context.Progress.Report(new JobProgress(2, 4, "Drained outbox rows"));
        var drained = await sales.PurgeDrainedOutboxAsync(options.Value.DrainedOutboxRetention, cancellationToken);
        context.Progress.Report(new JobProgress(3, 4, "Stale lake temporary files"));
        var tempFiles = lake?.DeleteStaleTempFiles(options.Value.StaleLakeTempFileAge) ?? 0;
        context.Progress.Report(new JobProgress(4, 4, null));
        return new JobResult(true, string.Create(CultureInfo.InvariantCulture,
            $"Deleted {expiredSales} expired sales, {expiredKeys} expired idempotency records, {drained} drained outbox rows and {tempFiles} stale lake temporary files."));
    }
}
