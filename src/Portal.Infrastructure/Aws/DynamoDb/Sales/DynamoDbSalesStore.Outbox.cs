using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The outbox without transactions. A new sale item carries its own outbox mark (<c>outbox_pending</c> plus the sparse
/// GSI-OUTBOX keys <c>OUTBOX#{shard}</c> / <c>{enqueued ms}#{tenant}#{sale}</c>), so "sale + outbox row" is one put.
/// A claim takes a batch id from a counter item, writes the batch item (<c>OUTBOX#BATCH</c> / <c>{id:D12}</c>) listing the
/// candidate keys in state CLAIMING, then claims each row with a conditional update (pending and unclaimed, or already
/// this batch's), so two workers never put one row in two batches; the batch item then lists only the rows it won (CLAIMED).
/// A batch item that still exists was never drained: it is returned first, under the same id, so its lake files are
/// rewritten, not doubled — a CLAIMING one (a crash mid-claim) is completed first. Draining clears each row's mark and
/// deletes the batch item.
/// </summary>
public sealed partial class DynamoDbSalesStore
{
    /// <summary>The batch item lists its members' keys; this keeps it well under DynamoDB's 400 KB item limit.</summary>
    private const int MaxBatchMemberBytes = 300_000;
    private const string ClaimingState = "CLAIMING";
    private const string ClaimedState = "CLAIMED";

    public async Task<IReadOnlyList<bool>> AddSalesWithOutboxAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken) =>
        await AddManyAsync(Plain(sales), withOutbox: true, cancellationToken);

    /// <summary>As <see cref="AddSalesWithOutboxAsync"/>; each sale's further photos are a list attribute of its item, so one put still writes everything.</summary>
    public async Task<IReadOnlyList<bool>> AddSalesWithPhotosAsync(IReadOnlyList<SaleWithPhotos> sales, CancellationToken cancellationToken) =>
        await AddManyAsync(sales, withOutbox: true, cancellationToken);

    public async Task<OutboxBatch?> ClaimBatchAsync(int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        var batch = await FirstUnfinishedBatchAsync(cancellationToken);
        if (batch is null)
        {
            var candidates = await PendingCandidatesAsync(maxRows, cancellationToken);
            if (candidates.Count == 0)
            {
                return null;
            }

            var id = await NextBatchIdAsync(cancellationToken);
            batch = new Dictionary<string, AttributeValue>(Key(OutboxBatchPk, BatchSortKey(id)), StringComparer.Ordinal)
            {
                [BatchId] = Num(id),
                [BatchState] = Str(ClaimingState),
                [BatchMembers] = MembersValue(candidates),
                [BatchMemberCount] = Num(candidates.Count),
                [BatchOldestMs] = Num(candidates.Min(c => c.EnqueuedMs)),
            };
            // Written before any row is claimed: a crash after claiming leaves a batch that names its rows.
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = batch,
                ConditionExpression = "attribute_not_exists(#pk)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk },
            }, cancellationToken);
        }

        var batchId = LongOf(batch, BatchId);
        var members = ReadMembers(batch);
        if (OptionalString(batch, BatchState) == ClaimingState)
        {
            members = await CompleteClaimAsync(batchId, members, cancellationToken);
        }

        var items = await DynamoDbBatches.GetAsync(_client, TableName, [.. members.Select(m => Key(m.Pk, m.Sk))], cancellationToken);
        var byKey = items.ToDictionary(i => (i[Pk].S, i[Sk].S));
        var rows = new List<LakeRow>(members.Count);
        foreach (var member in members)
        {
            if (byKey.TryGetValue((member.Pk, member.Sk), out var item))
            {
                var sale = ToSale(item);
                rows.Add(new LakeRow(sale, ReadEmbedding(item, sale)));
            }
        }

        return new OutboxBatch(batchId, rows);
    }

    public async Task MarkDrainedAsync(long batchId, CancellationToken cancellationToken)
    {
        var batchKey = Key(OutboxBatchPk, BatchSortKey(batchId));
        if (await GetItemAsync(batchKey, cancellationToken) is not { } batch)
        {
            return;
        }

        await Parallel.ForEachAsync(ReadMembers(batch), new ParallelOptions { MaxDegreeOfParallelism = _options.WriteConcurrency, CancellationToken = cancellationToken },
            async (member, token) =>
            {
                try
                {
                    // Conditional so that an item TTL already deleted is not re-created as a stub by the update.
                    await _client.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = TableName,
                        Key = Key(member.Pk, member.Sk),
                        UpdateExpression = "REMOVE #pending, #batch, #opk, #osk",
                        ConditionExpression = "attribute_exists(#pk) AND #batch = :b",
                        ExpressionAttributeNames = new Dictionary<string, string>
                        {
                            ["#pk"] = Pk, ["#pending"] = OutboxPending, ["#batch"] = OutboxBatchAttribute, ["#opk"] = OutboxPk, ["#osk"] = OutboxSk,
                        },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = Num(batchId) },
                    }, token);
                }
                catch (ConditionalCheckFailedException)
                {
                    // Already drained (a repeated drain after a crash) or gone.
                }
            });
        await _client.DeleteItemAsync(new DeleteItemRequest { TableName = TableName, Key = batchKey }, cancellationToken);
    }

    public async Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        long pending = 0;
        long? oldest = null;
        for (var shard = 0; shard < _options.OutboxShards; shard++)
        {
            var first = await _client.QueryAsync(OutboxShardQuery(shard, limit: 1), cancellationToken);
            if (first.Items is not { Count: > 0 } items)
            {
                continue;
            }

            var enqueued = EnqueuedMsOf(items[0][OutboxSk].S);
            oldest = oldest is { } o ? Math.Min(o, enqueued) : enqueued;
            pending += await CountAllAsync(OutboxShardQuery(shard, limit: null), cancellationToken);
        }

        // Claimed rows left the index; their batch items count them until drained.
        await foreach (var batch in QueryAllAsync(BatchQuery(limit: null), cancellationToken))
        {
            var members = LongOf(batch, BatchMemberCount);
            if (members > 0)
            {
                pending += members;
                var batchOldest = LongOf(batch, BatchOldestMs);
                oldest = oldest is { } o ? Math.Min(o, batchOldest) : batchOldest;
            }
        }

        return new OutboxStatus(pending, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    private async Task<Dictionary<string, AttributeValue>?> FirstUnfinishedBatchAsync(CancellationToken cancellationToken)
    {
        var response = await _client.QueryAsync(BatchQuery(limit: 1), cancellationToken);
        return response.Items is { Count: > 0 } items ? items[0] : null;
    }

    /// <summary>The oldest pending rows over every shard (the index is eventually consistent: a stale one just fails its claim).</summary>
    private async Task<List<OutboxMember>> PendingCandidatesAsync(int maxRows, CancellationToken cancellationToken)
    {
        var candidates = new List<OutboxMember>();
        for (var shard = 0; shard < _options.OutboxShards; shard++)
        {
            var fromShard = 0;
            await foreach (var item in QueryAllAsync(OutboxShardQuery(shard, limit: maxRows), cancellationToken))
            {
                candidates.Add(new OutboxMember(item[Pk].S, item[Sk].S, EnqueuedMsOf(item[OutboxSk].S), item[OutboxSk].S));
                if (++fromShard >= maxRows)
                {
                    break;
                }
            }
        }

        var chosen = new List<OutboxMember>();
        var bytes = 0;
        foreach (var candidate in candidates.OrderBy(c => c.Order, StringComparer.Ordinal))
        {
            bytes += candidate.Pk.Length + candidate.Sk.Length + 48;
            if (chosen.Count >= maxRows || bytes > MaxBatchMemberBytes)
            {
                break;
            }

            chosen.Add(candidate);
        }

        return chosen;
    }

    private async Task<long> NextBatchIdAsync(CancellationToken cancellationToken)
    {
        var response = await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = TableName,
            Key = Key(OutboxCounterKey, OutboxCounterKey),
            UpdateExpression = "ADD #next :one",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#next"] = CounterNext },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":one"] = Num(1) },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }, cancellationToken);
        return long.Parse(response.Attributes[CounterNext].N, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>Claims every candidate this batch can win and records the winners; safe to repeat (a re-claim after a crash).</summary>
    private async Task<List<OutboxMember>> CompleteClaimAsync(long batchId, List<OutboxMember> candidates, CancellationToken cancellationToken)
    {
        var won = new bool[candidates.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, candidates.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.WriteConcurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                try
                {
                    await _client.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = TableName,
                        Key = Key(candidates[i].Pk, candidates[i].Sk),
                        UpdateExpression = "SET #batch = :b REMOVE #opk, #osk",
                        ConditionExpression = "attribute_exists(#pk) AND #pending = :one AND (attribute_not_exists(#batch) OR #batch = :b)",
                        ExpressionAttributeNames = new Dictionary<string, string>
                        {
                            ["#pk"] = Pk, ["#pending"] = OutboxPending, ["#batch"] = OutboxBatchAttribute, ["#opk"] = OutboxPk, ["#osk"] = OutboxSk,
                        },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = Num(batchId), [":one"] = Num(1) },
                    }, token);
                    won[i] = true;
                }
                catch (ConditionalCheckFailedException)
                {
                    // Another batch has it, or it was drained: not ours.
                }
            });

        var members = candidates.Where((_, i) => won[i]).ToList();
        var batchKey = Key(OutboxBatchPk, BatchSortKey(batchId));
        try
        {
            await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = batchKey,
                UpdateExpression = "SET #members = :members, #state = :claimed, #count = :count, #oldest = :oldest",
                ConditionExpression = "#state = :claiming",
                ExpressionAttributeNames = new Dictionary<string, string>
                {
                    ["#members"] = BatchMembers, ["#state"] = BatchState, ["#count"] = BatchMemberCount, ["#oldest"] = BatchOldestMs,
                },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":members"] = MembersValue(members),
                    [":claimed"] = Str(ClaimedState),
                    [":claiming"] = Str(ClaimingState),
                    [":count"] = Num(members.Count),
                    [":oldest"] = Num(members.Count == 0 ? 0 : members.Min(m => m.EnqueuedMs)),
                },
            }, cancellationToken);
            return members;
        }
        catch (ConditionalCheckFailedException)
        {
            // Another worker completed this batch first: its record is the truth.
            return await GetItemAsync(batchKey, cancellationToken) is { } batch ? ReadMembers(batch) : [];
        }
    }

    private QueryRequest OutboxShardQuery(int shard, int? limit) => new()
    {
        TableName = TableName,
        IndexName = GsiOutbox,
        KeyConditionExpression = "#pk = :pk",
        ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = OutboxPk },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(OutboxShardKey(shard)) },
        ScanIndexForward = true,
        Limit = limit,
    };

    private QueryRequest BatchQuery(int? limit) => new()
    {
        TableName = TableName,
        KeyConditionExpression = "#pk = :pk",
        ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(OutboxBatchPk) },
        ConsistentRead = true,
        ScanIndexForward = true,
        Limit = limit,
    };

    private static AttributeValue MembersValue(IEnumerable<OutboxMember> members) => new()
    {
        L = [.. members.Select(m => new AttributeValue
        {
            M = new Dictionary<string, AttributeValue> { ["pk"] = Str(m.Pk), ["sk"] = Str(m.Sk), ["enq"] = Num(m.EnqueuedMs) },
        })],
    };

    private static List<OutboxMember> ReadMembers(Dictionary<string, AttributeValue> batch) =>
        batch.TryGetValue(BatchMembers, out var value) && value.L is { } list
            ? [.. list.Where(m => m.M is not null).Select(m => new OutboxMember(m.M["pk"].S, m.M["sk"].S, LongOf(m.M, "enq"), string.Empty))]
            : [];

    private sealed record OutboxMember(string Pk, string Sk, long EnqueuedMs, string Order);
}
