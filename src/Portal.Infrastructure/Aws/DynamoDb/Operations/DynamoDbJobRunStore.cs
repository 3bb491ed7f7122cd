using Amazon.DynamoDBv2.Model;
using Portal.Core.Jobs;
using static Portal.Infrastructure.Aws.DynamoDb.Operations.OperationsTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// The job-run history on DynamoDB. Where SQLite has a partial unique index (one Running row per job), this store keeps one
/// lock item per job (<c>JOB#{name}</c> / <c>LOCK</c>) naming the Running run and its heartbeat; <see cref="TryStartAsync"/>
/// takes it with one conditional put (<c>attribute_not_exists(pk) OR heartbeat_ms &lt; :stale</c>), so two hosts or two clicks
/// cannot both start a job, with no transaction. The run item (<c>JOBRUN#{id}</c>) carries the history; GSI1 lists a job's runs
/// by start, and GSI2 holds only Running runs (sparse: the key is removed when a run ends), which start-up recovery reads.
/// </summary>
/// <remarks>
/// Every step is ordered so a crash between two writes leaves something the next caller repairs: a lock whose run never got
/// written or already ended is taken over; a Running run without a lock is still found through GSI2 at start-up.
/// </remarks>
public sealed class DynamoDbJobRunStore(OperationsTable table) : IJobRunStore
{
    private const string AbandonedError = "The host stopped while the run was in progress.";
    private const string Running = nameof(JobRunStatus.Running);
    private const int MaxStartAttempts = 5;

    public async Task<JobRun?> TryStartAsync(JobRun run, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.JobName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(staleAfter, TimeSpan.Zero);
        var staleMs = (run.StartedAt - staleAfter).ToUnixTimeMilliseconds();
        for (var attempt = 0; attempt < MaxStartAttempts; attempt++)
        {
            Dictionary<string, AttributeValue>? previousLock;
            try
            {
                var put = await table.Client.PutItemAsync(new PutItemRequest
                {
                    TableName = table.Name,
                    Item = LockItem(run),
                    ConditionExpression = "attribute_not_exists(pk) OR heartbeat_ms < :stale",
                    ExpressionAttributeValues = new() { [":stale"] = Num(staleMs) },
                    ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
                }, cancellationToken);
                previousLock = put.Attributes is { Count: > 0 } old ? old : null;
            }
            catch (ConditionalCheckFailedException)
            {
                var holder = await HolderOfLockAsync(run.JobName, cancellationToken);
                if (holder is not null)
                {
                    return holder;
                }

                // The lock named a run that has ended (its owner crashed before releasing it) or vanished: try again.
                continue;
            }

            // A silent owner's lock was taken over: its run is no longer live.
            if (previousLock is not null && Guid.TryParse(GetOptionalString(previousLock, "run_id"), out var staleRunId))
            {
                await EndIfRunningAsync(staleRunId, JobRunStatus.Interrupted, run.StartedAt, null, null, AbandonedError, cancellationToken);
            }

            await table.Client.PutItemAsync(new PutItemRequest { TableName = table.Name, Item = RunItem(run) }, cancellationToken);
            return null;
        }

        throw new InvalidOperationException($"Run {run.RunId} of '{run.JobName}' could not take the job's lock after {MaxStartAttempts} attempts.");
    }

    public async Task HeartbeatAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var run = await GetAsync(runId, cancellationToken);
        if (run is null || run.Status != JobRunStatus.Running)
        {
            return;
        }

        var atMs = Num(at.ToUnixTimeMilliseconds());
        await UpdateIfAsync(Key(OperationsKeys.JobRunPk(runId), OperationsKeys.JobRunSk), "SET heartbeat_ms = :at", "run_status = :running",
            new() { [":at"] = atMs, [":running"] = Str(Running) }, cancellationToken);
        // The lock's heartbeat is what other hosts judge staleness by.
        await UpdateIfAsync(Key(OperationsKeys.JobPk(run.JobName), OperationsKeys.JobLockSk), "SET heartbeat_ms = :at", "run_id = :run",
            new() { [":at"] = atMs, [":run"] = Str(runId.ToString("D")) }, cancellationToken);
    }

    public async Task UpdateProgressAsync(Guid runId, JobProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var values = new Dictionary<string, AttributeValue> { [":running"] = Str(Running), [":done"] = Num(progress.Done) };
        var set = new List<string> { "progress_done = :done" };
        var remove = new List<string>();
        if (progress.Total is { } total)
        {
            set.Add("progress_total = :total");
            values[":total"] = Num(total);
        }
        else
        {
            remove.Add("progress_total");
        }

        if (progress.Message is { } message)
        {
            set.Add("progress_message = :message");
            values[":message"] = Str(message);
        }
        else
        {
            remove.Add("progress_message");
        }

        var update = "SET " + string.Join(", ", set) + (remove.Count > 0 ? " REMOVE " + string.Join(", ", remove) : "");
        await UpdateIfAsync(Key(OperationsKeys.JobRunPk(runId), OperationsKeys.JobRunSk), update, "run_status = :running", values, cancellationToken);
    }

    public async Task FinishAsync(Guid runId, JobRunStatus status, DateTimeOffset finishedAt, string? summary, string? detailUrl, string? error, CancellationToken cancellationToken)
    {
        if (status == JobRunStatus.Running)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run finishes as Succeeded, Failed or Interrupted.");
        }

        var run = await GetAsync(runId, cancellationToken);
        if (run is null)
        {
            return;
        }

        await EndIfRunningAsync(runId, status, finishedAt, summary, detailUrl, error, cancellationToken);
        await ReleaseLockAsync(run.JobName, runId, cancellationToken);
    }

    public async Task<JobRun?> GetAsync(Guid runId, CancellationToken cancellationToken)
    {
        var item = await table.GetItemAsync(Key(OperationsKeys.JobRunPk(runId), OperationsKeys.JobRunSk), cancellationToken);
        return item is null ? null : ReadRun(item);
    }

    public async Task<IReadOnlyList<JobRun>> GetRecentAsync(string jobName, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var items = await table.QueryAsync(new QueryRequest
        {
            IndexName = OperationsTableSpec.Gsi1,
            KeyConditionExpression = "gsi1pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.JobRunsByStartPk(jobName)) },
            ScanIndexForward = false,
            Limit = limit,
        }, cancellationToken, take: limit);
        return [.. items.Select(ReadRun)];
    }

    public async Task<int> MarkAbandonedAsInterruptedAsync(string owner, DateTimeOffset staleBefore, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var running = await table.QueryAsync(new QueryRequest
        {
            IndexName = OperationsTableSpec.Gsi2,
            KeyConditionExpression = "gsi2pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.RunningJobRunsPk) },
        }, cancellationToken);
        var marked = 0;
        var staleMs = staleBefore.ToUnixTimeMilliseconds();
        foreach (var run in running.Select(ReadRun))
        {
            if (run.Owner != owner && run.HeartbeatAt?.ToUnixTimeMilliseconds() >= staleMs)
            {
                continue;
            }

            if (await EndIfRunningAsync(run.RunId, JobRunStatus.Interrupted, at, null, null, AbandonedError, cancellationToken))
            {
                marked++;
            }

            await ReleaseLockAsync(run.JobName, run.RunId, cancellationToken);
        }

        return marked;
    }

    /// <summary>The Running run holding the job's lock; null when there is no lock or its run is no longer Running (the lock is then released).</summary>
    private async Task<JobRun?> HolderOfLockAsync(string jobName, CancellationToken cancellationToken)
    {
        var lockItem = await table.GetItemAsync(Key(OperationsKeys.JobPk(jobName), OperationsKeys.JobLockSk), cancellationToken);
        if (lockItem is null || !Guid.TryParse(GetOptionalString(lockItem, "run_id"), out var runId))
        {
            return null;
        }

        var run = await GetAsync(runId, cancellationToken);
        if (run is null)
        {
            // The winner has taken the lock but not yet written its run: the lock carries the run as it started.
            return ReadRun(lockItem) with { JobName = jobName };
        }

        if (run.Status == JobRunStatus.Running)
        {
            return run;
        }

        await ReleaseLockAsync(jobName, runId, cancellationToken);
        return null;
    }

    /// <summary>Moves a run out of Running (once: the condition keeps the first ending) and takes it off the running index.</summary>
    private async Task<bool> EndIfRunningAsync(Guid runId, JobRunStatus status, DateTimeOffset finishedAt, string? summary, string? detailUrl, string? error, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":running"] = Str(Running),
            [":status"] = Str(status.ToString()),
            [":finished"] = Str(Time(finishedAt)),
        };
        var set = new List<string> { "run_status = :status", "finished_at = :finished" };
        var remove = new List<string> { OperationsKeys.Gsi2Pk, OperationsKeys.Gsi2Sk };
        // Named through placeholders: ERROR is one of DynamoDB's reserved words.
        var names = new Dictionary<string, string>();
        foreach (var (name, value) in new[] { ("summary", summary), ("detail_url", detailUrl), ("error", error) })
        {
            names["#" + name] = name;
            if (value is null)
            {
                remove.Add("#" + name);
            }
            else
            {
                set.Add($"#{name} = :{name}");
                values[":" + name] = Str(value);
            }
        }

        return await UpdateIfAsync(Key(OperationsKeys.JobRunPk(runId), OperationsKeys.JobRunSk),
            "SET " + string.Join(", ", set) + " REMOVE " + string.Join(", ", remove), "run_status = :running", values, cancellationToken, names);
    }

    private async Task ReleaseLockAsync(string jobName, Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            await table.Client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table.Name,
                Key = Key(OperationsKeys.JobPk(jobName), OperationsKeys.JobLockSk),
                ConditionExpression = "run_id = :run",
                ExpressionAttributeValues = new() { [":run"] = Str(runId.ToString("D")) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another run holds the lock now (or nobody does): nothing of ours to release.
        }
    }

    /// <summary>An update applied only when <paramref name="condition"/> holds; false when it did not (the item is left as it was).</summary>
    private async Task<bool> UpdateIfAsync(
        Dictionary<string, AttributeValue> key, string update, string condition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken,
        Dictionary<string, string>? names = null)
    {
        try
        {
            await table.Client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table.Name,
                Key = key,
                UpdateExpression = update,
                ConditionExpression = "attribute_exists(pk) AND " + condition,
                ExpressionAttributeValues = values,
                ExpressionAttributeNames = names,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> LockItem(JobRun run)
    {
        var item = Key(OperationsKeys.JobPk(run.JobName), OperationsKeys.JobLockSk);
        item[OperationsKeys.ItemType] = Str("job_lock");
        AddRunAttributes(item, run);
        return item;
    }

    private static Dictionary<string, AttributeValue> RunItem(JobRun run)
    {
        var item = Key(OperationsKeys.JobRunPk(run.RunId), OperationsKeys.JobRunSk);
        item[OperationsKeys.ItemType] = Str("job_run");
        item[OperationsKeys.Gsi1Pk] = Str(OperationsKeys.JobRunsByStartPk(run.JobName));
        item[OperationsKeys.Gsi1Sk] = Str(OperationsKeys.JobRunsByStartSk(run.StartedAt, run.RunId));
        item[OperationsKeys.Gsi2Pk] = Str(OperationsKeys.RunningJobRunsPk);
        item[OperationsKeys.Gsi2Sk] = Str($"{run.JobName}#{run.RunId:D}");
        AddRunAttributes(item, run);
        return item;
    }

    private static void AddRunAttributes(Dictionary<string, AttributeValue> item, JobRun run)
    {
        item["run_id"] = Str(run.RunId.ToString("D"));
        item["job"] = Str(run.JobName);
        item["trigger"] = Str(run.Trigger);
        item["started_at"] = Str(Time(run.StartedAt));
        item["started_at_ms"] = Num(run.StartedAt.ToUnixTimeMilliseconds());
        item["run_status"] = Str(Running);
        item["owner"] = Str(run.Owner);
        item["heartbeat_ms"] = Num(run.StartedAt.ToUnixTimeMilliseconds());
        if (run.Progress is { } progress)
        {
            item["progress_done"] = Num(progress.Done);
            if (progress.Total is { } total)
            {
                item["progress_total"] = Num(total);
            }

            SetOptional(item, "progress_message", progress.Message);
        }
    }

    private static JobRun ReadRun(Dictionary<string, AttributeValue> item) => new()
    {
        RunId = Guid.Parse(GetString(item, "run_id")),
        JobName = GetString(item, "job"),
        Trigger = GetString(item, "trigger"),
        StartedAt = GetTime(item, "started_at"),
        FinishedAt = GetOptionalTime(item, "finished_at"),
        Status = Enum.Parse<JobRunStatus>(GetString(item, "run_status")),
        Progress = GetOptionalLong(item, "progress_done") is { } done
            ? new JobProgress(done, GetOptionalLong(item, "progress_total"), GetOptionalString(item, "progress_message"))
            : null,
        Summary = GetOptionalString(item, "summary"),
        DetailUrl = GetOptionalString(item, "detail_url"),
        Error = GetOptionalString(item, "error"),
        Owner = GetOptionalString(item, "owner") ?? "",
        HeartbeatAt = GetOptionalLong(item, "heartbeat_ms") is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
    };
}
