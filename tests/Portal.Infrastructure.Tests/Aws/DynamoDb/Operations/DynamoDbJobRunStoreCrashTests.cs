using Amazon.DynamoDBv2.Model;
using Portal.Core.Jobs;
using Portal.Infrastructure.Aws.DynamoDb.Operations;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

/// <summary>
/// The DynamoDB run store writes a run and its job's lock separately (no transactions): a host dying between the two writes
/// must not block the job for good nor let two runs through. Each test leaves the table as such a crash would.
/// </summary>
[Collection(OperationsDynaliteCollection.Name)]
public sealed class DynamoDbJobRunStoreCrashTests(OperationsDynaliteFixture dynalite) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);
    private OperationsTable _table = null!;
    private DynamoDbJobRunStore _store = null!;

    public async Task InitializeAsync()
    {
        _table = await dynalite.NewTableAsync();
        _store = new DynamoDbJobRunStore(_table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static JobRun Run(string job, DateTimeOffset at) => new() { RunId = Guid.NewGuid(), JobName = job, Trigger = JobContext.ScheduleTrigger, StartedAt = at };

    private Dictionary<string, AttributeValue> RunKey(Guid runId) => OperationsTable.Key(OperationsKeys.JobRunPk(runId), OperationsKeys.JobRunSk);

    [Fact]
    public async Task ALockLeftByARunThatEndedBeforeReleasingItDoesNotBlockTheJob()
    {
        var ended = Run("validation", T0);
        await _store.TryStartAsync(ended, Stale, default);
        // The owner ended its run, then died before deleting the lock.
        await _table.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table.Name,
            Key = RunKey(ended.RunId),
            UpdateExpression = "SET run_status = :done",
            ExpressionAttributeValues = new() { [":done"] = new AttributeValue { S = nameof(JobRunStatus.Succeeded) } },
        });

        var next = Run("validation", T0.AddSeconds(30));
        Assert.Null(await _store.TryStartAsync(next, Stale, default));

        Assert.Equal(JobRunStatus.Succeeded, (await _store.GetAsync(ended.RunId, default))!.Status);
        Assert.Equal(next.RunId, (await _store.TryStartAsync(Run("validation", T0.AddMinutes(1)), Stale, default))?.RunId);
    }

    [Fact]
    public async Task ALockWhoseRunWasNeverWrittenHoldsTheJobUntilItGoesStale()
    {
        var lost = Run("smartgo-import", T0);
        await _store.TryStartAsync(lost, Stale, default);
        // The owner took the lock, then died before writing its run.
        await _table.Client.DeleteItemAsync(new DeleteItemRequest { TableName = _table.Name, Key = RunKey(lost.RunId) });

        var early = await _store.TryStartAsync(Run("smartgo-import", T0.AddMinutes(1)), Stale, default);
        var late = Run("smartgo-import", T0 + Stale + TimeSpan.FromSeconds(1));
        var lateResult = await _store.TryStartAsync(late, Stale, default);

        Assert.Equal((lost.RunId, JobRunStatus.Running), (early?.RunId, early?.Status));
        Assert.Null(lateResult);
        Assert.Null(await _store.GetAsync(lost.RunId, default));
        Assert.Equal(late.RunId, Assert.Single(await _store.GetRecentAsync("smartgo-import", 10, default)).RunId);
    }
}
