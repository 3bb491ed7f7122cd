using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Sync;
using static Portal.Infrastructure.Aws.DynamoDb.Sync.SyncAttributes;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Dead letters in the sync table: <c>pk = DLQ#{id}</c>, <c>sk = DLQ</c> (a time-ordered id, written with
/// <c>attribute_not_exists(pk)</c>); <c>gsi1</c> lists a tenant's letters per status (<c>DLQ#T#{tenant}#{status}</c>, newest id
/// first) and <c>gsi2</c> everybody's per status (<c>DLQ#S#{status}</c>) for the admin scope. Tenant-less letters have no
/// <c>gsi1</c> key, so no tenant scope can ever reach them. Resolving rewrites both index keys under a condition on the
/// status and the tenant read, and sets a <c>ttl</c> (pending letters never expire).
/// </summary>
/// <remarks>
/// DynamoDB items are at most 400 KB: a payload above 64 KiB is stored gzip-compressed (<c>payload_gz</c>); one that still
/// does not fit is truncated (as the embedded store truncates above <see cref="MaxPayloadChars"/>), never refused.
/// </remarks>
public sealed class DynamoDbDeadLetterStore(IAmazonDynamoDB client, DynamoDbSyncTable table, TimeProvider timeProvider) : IDeadLetterStore
{
    /// <summary>The same limit as the embedded store: payloads above it are truncated on write.</summary>
    public const int MaxPayloadChars = 1_048_576;

    private const int MaxReasonChars = 4_000;
    private const int PlainPayloadBytes = 64 * 1024;
    private const int MaxCompressedPayloadBytes = 300 * 1024;
    private const string ItemSk = "DLQ";
    private const int MaxAddAttempts = 5;
    private static readonly DeadLetterStatus[] AllStatuses = Enum.GetValues<DeadLetterStatus>();
    private readonly TimeOrderedIds _ids = new(timeProvider);

    public async Task<long> AddAsync(NewDeadLetter letter, CancellationToken cancellationToken)
    {
        // NewDeadLetter checks its own fields when it is made.
        ArgumentNullException.ThrowIfNull(letter);

        var payload = EncodePayload(Truncate(letter.Payload, MaxPayloadChars));
        for (var attempt = 1; ; attempt++)
        {
            var id = _ids.Next();
            // Tells our own write (an SDK retry after a lost response) from another process's letter under the same id.
            var token = Guid.NewGuid().ToString("N");
            var item = new Dictionary<string, AttributeValue>(Key(Pk(id), ItemSk))
            {
                ["id"] = Num(id),
                ["write_token"] = Str(token),
                ["category"] = Str(letter.Category.ToString()),
                ["reason"] = Str(Truncate(letter.Reason, MaxReasonChars)),
                [payload.Name] = payload.Value,
                ["transport"] = Str(Truncate(letter.Transport, 32)),
                ["attempts"] = Num(letter.Attempts),
                ["failed_at"] = Str(Timestamp(letter.FailedAt)),
            };
            SetIfNotNull(item, "tenant_id", letter.Tenant?.Value);
            SetIfNotNull(item, "event_id", Truncate(letter.EventId, 256));
            SetIfNotNull(item, "detail_type", Truncate(letter.DetailType, 128));
            SetStatus(item, letter.Tenant, id, DeadLetterStatus.Pending);
            try
            {
                await client.PutItemAsync(new PutItemRequest
                {
                    TableName = table.TableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#pk)",
                    ExpressionAttributeNames = new() { ["#pk"] = DynamoDbSyncTable.Pk },
                }, cancellationToken);
                return id;
            }
            catch (ConditionalCheckFailedException) when (attempt < MaxAddAttempts)
            {
                if (await ReadAsync(id, cancellationToken) is { } existing && OptionalString(existing, "write_token") == token)
                {
                    return id;
                }

                // Another process drew the same id: draw again.
            }
        }
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        // No offsets in DynamoDB: read the first offset + limit of each status partition (newest first), merge, then skip.
        var wanted = query.Offset + Math.Min(query.Limit, 1000);
        var letters = new List<DeadLetter>();
        foreach (var request in Requests(query))
        {
            var read = 0;
            do
            {
                request.Limit = Math.Clamp(wanted - read, 1, 1000);
                var response = await client.QueryAsync(request, cancellationToken);
                var page = (response.Items ?? []).Select(ToLetter).ToList();
                letters.AddRange(page);
                read += page.Count;
                request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (request.ExclusiveStartKey is not null && read < wanted);
        }

        return letters.OrderByDescending(l => l.Id).Skip(query.Offset).Take(Math.Min(query.Limit, 1000)).ToList();
    }

    public async Task<long> CountAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long count = 0;
        foreach (var request in Requests(query))
        {
            request.Select = Select.COUNT;
            do
            {
                var response = await client.QueryAsync(request, cancellationToken);
                count += response.Count ?? 0;
                request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (request.ExclusiveStartKey is not null);
        }

        return count;
    }

    public async Task<DeadLetter?> GetAsync(long id, DeadLetterQuery scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var item = await ReadAsync(id, cancellationToken);
        return item is not null && InScope(item, scope) ? ToLetter(item) : null;
    }

    public Task<bool> MarkRedrivenAsync(long id, DeadLetterQuery scope, string actor, string? note, CancellationToken cancellationToken) =>
        ResolveAsync(id, scope, DeadLetterStatus.Redriven, actor, note, cancellationToken);

    public Task<bool> DiscardAsync(long id, DeadLetterQuery scope, string actor, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return ResolveAsync(id, scope, DeadLetterStatus.Discarded, actor, reason, cancellationToken);
    }

    private async Task<bool> ResolveAsync(long id, DeadLetterQuery scope, DeadLetterStatus status, string actor, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var item = await ReadAsync(id, cancellationToken);
        if (item is null || !InScope(item, scope) || OptionalString(item, "status") != nameof(DeadLetterStatus.Pending))
        {
            return false;
        }

        var tenant = OptionalString(item, "tenant_id") is { } value ? new TenantId(value) : (TenantId?)null;
        var now = timeProvider.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");
        var updated = new Dictionary<string, AttributeValue>
        {
            ["resolution_token"] = Str(token),
            ["resolved_by"] = Str(Truncate(actor, 256)),
            ["resolved_at"] = Str(Timestamp(now)),
            [DynamoDbSyncTable.Ttl] = Num(EpochSeconds(now.Add(table.Options.ResolvedDeadLetterRetention))),
        };
        SetStatus(updated, tenant, id, status);
        SetIfNotNull(updated, "resolution_note", Truncate(note, MaxReasonChars));
        var names = updated.Keys.Select((name, i) => (name, i)).ToDictionary(p => $"#a{p.i}", p => p.name);
        var values = updated.Values.Select((value, i) => (value, i)).ToDictionary(p => $":v{p.i}", p => p.value);
        names["#status"] = "status";
        values[":pending"] = Str(nameof(DeadLetterStatus.Pending));
        // The tenant read must still be the tenant: the scope check above holds at the moment of the write.
        string tenantCondition;
        if (tenant is { } t)
        {
            names["#tenant"] = "tenant_id";
            values[":tenant"] = Str(t.Value);
            tenantCondition = "#tenant = :tenant";
        }
        else
        {
            names["#tenant"] = "tenant_id";
            tenantCondition = "attribute_not_exists(#tenant)";
        }

        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table.TableName,
                Key = Key(Pk(id), ItemSk),
                UpdateExpression = "SET " + string.Join(", ", names.Keys.Where(n => n.StartsWith("#a", StringComparison.Ordinal)).Select(n => $"{n} = :v{n[2..]}")),
                ConditionExpression = $"#status = :pending AND {tenantCondition}",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            // Resolved by someone else, or by our own write whose response was lost and retried.
            return await ReadAsync(id, cancellationToken) is { } existing && OptionalString(existing, "resolution_token") == token;
        }
    }

    private async Task<Dictionary<string, AttributeValue>?> ReadAsync(long id, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table.TableName, Key = Key(Pk(id), ItemSk), ConsistentRead = true }, cancellationToken);
        return IsLive(response.Item, timeProvider.GetUtcNow()) ? response.Item : null;
    }

    /// <summary>One query per status partition of the scope; a scope that is neither one tenant nor all tenants reads nothing.</summary>
    private IEnumerable<QueryRequest> Requests(DeadLetterQuery query)
    {
        if (!query.AllTenants && query.Tenant is null)
        {
            yield break;
        }

        foreach (var status in query.Status is { } one ? [one] : AllStatuses)
        {
            var request = new QueryRequest
            {
                TableName = table.TableName,
                IndexName = query.AllTenants ? DynamoDbSyncTable.Gsi2 : DynamoDbSyncTable.Gsi1,
                KeyConditionExpression = "#pk = :pk",
                FilterExpression = LiveFilter,
                ExpressionAttributeNames = new()
                {
                    ["#pk"] = query.AllTenants ? DynamoDbSyncTable.Gsi2Pk : DynamoDbSyncTable.Gsi1Pk,
                    ["#ttl"] = DynamoDbSyncTable.Ttl,
                },
                ExpressionAttributeValues = new()
                {
                    [":pk"] = Str(query.AllTenants ? AllPartition(status) : TenantPartition(query.Tenant!.Value, status)),
                    [":now"] = Num(EpochSeconds(timeProvider.GetUtcNow())),
                },
                ScanIndexForward = false,
            };
            if (query.Category is { } category)
            {
                request.FilterExpression += " AND #category = :category";
                request.ExpressionAttributeNames["#category"] = "category";
                request.ExpressionAttributeValues[":category"] = Str(category.ToString());
            }

            yield return request;
        }
    }

    private static bool InScope(Dictionary<string, AttributeValue> item, DeadLetterQuery scope) =>
        scope.AllTenants || (scope.Tenant is { } tenant && string.Equals(OptionalString(item, "tenant_id"), tenant.Value, StringComparison.Ordinal));

    private static void SetStatus(Dictionary<string, AttributeValue> item, TenantId? tenant, long id, DeadLetterStatus status)
    {
        item["status"] = Str(status.ToString());
        item[DynamoDbSyncTable.Gsi2Pk] = Str(AllPartition(status));
        item[DynamoDbSyncTable.Gsi2Sk] = Str(Sortable(id));
        if (tenant is { } t)
        {
            item[DynamoDbSyncTable.Gsi1Pk] = Str(TenantPartition(t, status));
            item[DynamoDbSyncTable.Gsi1Sk] = Str(Sortable(id));
        }
    }

    private static string Pk(long id) => $"DLQ#{Sortable(id)}";

    private static string TenantPartition(TenantId tenant, DeadLetterStatus status) => $"DLQ#T#{tenant.Value}#{status}";

    private static string AllPartition(DeadLetterStatus status) => $"DLQ#S#{status}";

    private static (string Name, AttributeValue Value) EncodePayload(string payload)
    {
        if (Encoding.UTF8.GetByteCount(payload) <= PlainPayloadBytes)
        {
            return ("payload", Str(payload));
        }

        while (true)
        {
            var compressed = Compress(payload);
            if (compressed.Length <= MaxCompressedPayloadBytes)
            {
                return ("payload_gz", Bin(compressed));
            }

            // Incompressible and too large for one item: keep the share that fits (with a margin), as a truncation.
            var share = (double)MaxCompressedPayloadBytes / compressed.Length * 0.95;
            payload = payload[..(int)(payload.Length * share)];
        }
    }

    private static byte[] Compress(string payload)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(payload));
        }

        return buffer.ToArray();
    }

    private static string Decompress(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static DeadLetter ToLetter(Dictionary<string, AttributeValue> item) => new()
    {
        Id = Long(item, "id"),
        Tenant = OptionalString(item, "tenant_id") is { } tenant ? new TenantId(tenant) : null,
        EventId = OptionalString(item, "event_id"),
        DetailType = OptionalString(item, "detail_type"),
        Category = Enum.Parse<DeadLetterCategory>(String(item, "category")),
        Reason = String(item, "reason"),
        Payload = OptionalBytes(item, "payload_gz") is { } compressed ? Decompress(compressed) : OptionalString(item, "payload") ?? string.Empty,
        Transport = String(item, "transport"),
        Attempts = (int)Long(item, "attempts"),
        FailedAt = Timestamp(item, "failed_at"),
        Status = Enum.Parse<DeadLetterStatus>(String(item, "status")),
        ResolvedBy = OptionalString(item, "resolved_by"),
        ResolvedAt = OptionalString(item, "resolved_at") is null ? null : Timestamp(item, "resolved_at"),
        ResolutionNote = OptionalString(item, "resolution_note"),
    };

    private static void SetIfNotNull(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = Str(value);
        }
    }

    [return: NotNullIfNotNull(nameof(value))]
    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
