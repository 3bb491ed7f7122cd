using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Housekeeping;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Housekeeping;

public sealed class HousekeepingJobTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TenantId Acme = new("acme");
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteSalesStore _sales;
    private readonly SqliteIdempotencyStore _idempotency;

    public HousekeepingJobTests()
    {
        var path = Path.Combine(_folder.Path, "sales.db");
        _sales = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = path }, _time);
        _idempotency = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DatabasePath = path }, _time);
    }

    [Fact]
    public async Task DeletesOnlyExpiredSalesExpiredKeysAndOldDrainedOutboxRows()
    {
        // One sale past its two-year TTL, one live; both drained to the lake; one live pending outbox row.
        await _sales.AddSalesWithOutboxAsync(
        [
            (StorageTestData.Sale("acme", "old", 40m, _time.GetUtcNow().AddYears(-2).AddDays(-3)), null),
            (StorageTestData.Sale("acme", "live", 50m, _time.GetUtcNow().AddDays(-3)), null),
        ], Ct);
        var batch = await _sales.ClaimBatchAsync(100, Ct);
        await _sales.MarkDrainedAsync(batch!.BatchId, Ct);
        await _sales.AddSalesWithOutboxAsync([(StorageTestData.Sale("acme", "pending", 60m, _time.GetUtcNow().AddDays(-1)), null)], Ct);
        await _idempotency.TryBeginAsync(new IdempotencyKey(Acme, "product.sold", "e-old"), new string('a', 64), TimeSpan.FromMinutes(1), Ct);
        _time.Advance(TimeSpan.FromDays(8));
        await _idempotency.TryBeginAsync(new IdempotencyKey(Acme, "product.sold", "e-new"), new string('b', 64), TimeSpan.FromMinutes(1), Ct);

        var job = new HousekeepingJob(_sales, _idempotency, Options.Create(new HousekeepingOptions()));
        var progress = new List<JobProgress>();
        var result = await job.RunAsync(new JobContext(Guid.NewGuid(), JobContext.ScheduleTrigger, new SynchronousProgress(progress)), Ct);

        Assert.True(result.Succeeded);
        Assert.Equal("Deleted 1 expired sales, 1 expired idempotency records, 2 drained outbox rows and 0 stale lake temporary files.", result.Summary);
        Assert.Equal(4, progress[^1].Done);
        Assert.Equal(2, await _sales.CountSalesAsync(Acme, Ct));
        Assert.Equal(1, (await _sales.GetStatusAsync(Ct)).Pending);
        Assert.Equal(IdempotencyClaimKind.InProgress,
            (await _idempotency.TryBeginAsync(new IdempotencyKey(Acme, "product.sold", "e-new"), new string('b', 64), TimeSpan.FromMinutes(1), Ct)).Kind);

        var again = await job.RunAsync(new JobContext(Guid.NewGuid(), JobContext.ScheduleTrigger, new SynchronousProgress(progress)), Ct);
        Assert.Equal("Deleted 0 expired sales, 0 expired idempotency records, 0 drained outbox rows and 0 stale lake temporary files.", again.Summary);
    }

    public void Dispose()
    {
        _sales.Dispose();
        _idempotency.Dispose();
        _folder.Dispose();
    }

    private sealed class SynchronousProgress(List<JobProgress> reports) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => reports.Add(value);
    }
}
