using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Local.Storage;
using Portal.Pricing.Operations;

namespace Portal.Infrastructure.Housekeeping;

/// <summary>
/// The embedded default's stand-in for DynamoDB's TTL sweeper (<c>housekeeping</c>, 04:00 UTC by default): deletes sales past
/// their two-year TTL, expired idempotency records and drained outbox rows. Reads already ignore expired rows, so this only
/// keeps the file from growing; running it twice, or not at all for a while, changes no answer.
/// </summary>
public sealed class HousekeepingJob(
    SqliteSalesStore sales,
    SqliteIdempotencyStore idempotency,
    IOptions<HousekeepingOptions> options) : IPortalJob
{
    public const string JobName = "housekeeping";

    public string Name => JobName;

    public string DisplayName => "Housekeeping (expired rows)";

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Progress.Report(new JobProgress(0, 3, "Expired sales"));
        var expiredSales = await sales.PurgeExpiredAsync(cancellationToken);
        context.Progress.Report(new JobProgress(1, 3, "Expired idempotency records"));
        var expiredKeys = await idempotency.PurgeExpiredAsync(cancellationToken);
        context.Progress.Report(new JobProgress(2, 3, "Drained outbox rows"));
        var drained = await sales.PurgeDrainedOutboxAsync(options.Value.DrainedOutboxRetention, cancellationToken);
        context.Progress.Report(new JobProgress(3, 3, null));
        return new JobResult(true, string.Create(CultureInfo.InvariantCulture,
            $"Deleted {expiredSales} expired sales, {expiredKeys} expired idempotency records and {drained} drained outbox rows."));
    }
}
