using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Sync;
using static Portal.Infrastructure.Aws.DynamoDb.Sync.SyncAttributes;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Parked events in the sync table: <c>pk = PARKED#{tenant}#{productId}</c>, <c>sk = EVENT#{detailType}#{eventId}</c> (a product's
/// parked events are one query); <c>gsi1</c> holds them all in one partition (<c>PARKED</c>, sorted by event time then id: parked
/// events are few and short-lived); <c>gsi2</c> finds one by its id (<c>PARKEDID#{id}</c>). <c>ttl</c> = expiry + a grace, so
/// the retry loop dead-letters an expired event rather than DynamoDB deleting it unseen.
/// </summary>
/// <remarks>
/// Unique per (tenant, detail-type, event id) as the port asks: the product id comes from the event itself, which the
/// idempotency key already binds to one payload. Removal by id reads <c>gsi2</c>, which DynamoDB updates asynchronously:
/// a removal right after parking may find nothing (false) and the next retry finds the event again and replays it.
/// </remarks>
public sealed class DynamoDbParkedEventStore(IAmazonDynamoDB client, DynamoDbSyncTable table, TimeProvider timeProvider) : IParkedEventStore
{
    private const string AllPartition = "PARKED";
    private const int MaxParkAttempts = 5;
    private readonly TimeOrderedIds _ids = new(timeProvider);

    public async Task ParkAsync(ParkedEvent parked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parked);
        ArgumentException.ThrowIfNullOrWhiteSpace(parked.ProductId);
        ArgumentException.ThrowIfNullOrWhiteSpace(parked.EventId);
        ArgumentException.ThrowIfNullOrWhiteSpace(parked.DetailType);
        ArgumentNullException.ThrowIfNull(parked.Payload);
        ArgumentException.ThrowIfNullOrWhiteSpace(parked.Transport);
        if (parked.EventTime.ToUnixTimeMilliseconds() < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parked), parked.EventTime, "The event time must not be before 1970.");
        }

        var key = Key(Pk(parked.Tenant, parked.ProductId), Sk(parked.DetailType, parked.EventId));
        for (var attempt = 1; ; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            var fresh = FreshAttributes(parked, _ids.Next());
            try
            {
                // One upsert: a new event gets every attribute and attempts = 1; a live one keeps its attributes and counts an attempt.
                await client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = table.TableName,
                    Key = key,
                    UpdateExpression = "SET " + string.Join(", ", fresh.Keys.Select((_, i) => $"#a{i} = if_not_exists(#a{i}, :v{i})")) + " ADD #attempts :one",
                    ConditionExpression = "attribute_not_exists(#pk) OR #ttl >= :now",
                    ExpressionAttributeNames = fresh.Keys.Select((name, i) => (name, i)).ToDictionary(p => $"#a{p.i}", p => p.name)
                        .Concat(new Dictionary<string, string> { ["#attempts"] = "attempts", ["#pk"] = DynamoDbSyncTable.Pk, ["#ttl"] = DynamoDbSyncTable.Ttl })
                        .ToDictionary(),
                    ExpressionAttributeValues = fresh.Values.Select((value, i) => (value, i)).ToDictionary(p => $":v{p.i}", p => p.value)
                        .Concat(new Dictionary<string, AttributeValue> { [":one"] = Num(1), [":now"] = Num(EpochSeconds(now)) })
                        .ToDictionary(),
                }, cancellationToken);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                // An expired leftover DynamoDB has not deleted yet: replace it with a fresh one, unless it changed meanwhile.
                try
                {
                    await client.PutItemAsync(new PutItemRequest
                    {
                        TableName = table.TableName,
                        Item = new Dictionary<string, AttributeValue>(fresh.Concat(key)) { ["attempts"] = Num(1) },
                        ConditionExpression = "#ttl < :now",
                        ExpressionAttributeNames = new() { ["#ttl"] = DynamoDbSyncTable.Ttl },
                        ExpressionAttributeValues = new() { [":now"] = Num(EpochSeconds(now)) },
                    }, cancellationToken);
                    return;
                }
                catch (ConditionalCheckFailedException) when (attempt < MaxParkAttempts)
                {
                }
            }
        }
    }

    public async Task<IReadOnlyList<ParkedEvent>> ListForProductAsync(TenantId tenant, string productId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(productId);
        var items = await QueryAsync(new QueryRequest
        {
            TableName = table.TableName,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new() { ["#pk"] = DynamoDbSyncTable.Pk },
            ExpressionAttributeValues = new() { [":pk"] = Str(Pk(tenant, productId)) },
        }, int.MaxValue, cancellationToken);
        return items.OrderBy(e => e.EventTime).ThenBy(e => e.Id).ToList();
    }

    public async Task<IReadOnlyList<ParkedEvent>> ListAllAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync(AllRequest(), limit, cancellationToken);
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        var found = await client.QueryAsync(new QueryRequest
        {
            TableName = table.TableName,
            IndexName = DynamoDbSyncTable.Gsi2,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new() { ["#pk"] = DynamoDbSyncTable.Gsi2Pk },
            ExpressionAttributeValues = new() { [":pk"] = Str(IdPartition(id)) },
        }, cancellationToken);
        var removed = false;
        foreach (var item in found.Items ?? [])
        {
            try
            {
                var deleted = await client.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = table.TableName,
                    Key = Key(String(item, DynamoDbSyncTable.Pk), String(item, DynamoDbSyncTable.Sk)),
                    // Only this parking of the event: a fresh parking of the same event after expiry has another id.
                    ConditionExpression = "#id = :id",
                    ExpressionAttributeNames = new() { ["#id"] = "id" },
                    ExpressionAttributeValues = new() { [":id"] = Num(id) },
                    ReturnValues = ReturnValue.ALL_OLD,
                }, cancellationToken);
                removed |= IsLive(deleted.Attributes, timeProvider.GetUtcNow());
            }
            catch (ConditionalCheckFailedException)
            {
                // Removed meanwhile (the index lags the table).
            }
        }

        return removed;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var request = Live(AllRequest());
        request.Select = Select.COUNT;
        var count = 0;
        do
        {
            var response = await client.QueryAsync(request, cancellationToken);
            count += response.Count ?? 0;
            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null);

        return count;
    }

    private QueryRequest AllRequest() => new()
    {
        TableName = table.TableName,
        IndexName = DynamoDbSyncTable.Gsi1,
        KeyConditionExpression = "#pk = :pk",
        ExpressionAttributeNames = new() { ["#pk"] = DynamoDbSyncTable.Gsi1Pk },
        ExpressionAttributeValues = new() { [":pk"] = Str(AllPartition) },
        ScanIndexForward = true,
    };

    /// <summary>Adds the filter that hides items past their <c>ttl</c> that DynamoDB has not deleted yet.</summary>
    private QueryRequest Live(QueryRequest request)
    {
        request.FilterExpression = LiveFilter;
        request.ExpressionAttributeNames["#ttl"] = DynamoDbSyncTable.Ttl;
        request.ExpressionAttributeValues[":now"] = Num(EpochSeconds(timeProvider.GetUtcNow()));
        return request;
    }

    private async Task<List<ParkedEvent>> QueryAsync(QueryRequest request, int limit, CancellationToken cancellationToken)
    {
        Live(request);
        var results = new List<ParkedEvent>();
        do
        {
            request.Limit = Math.Clamp(limit - results.Count, 1, 1000);
            var response = await client.QueryAsync(request, cancellationToken);
            results.AddRange((response.Items ?? []).Select(ToParked));
            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null && results.Count < limit);

        return results.Count > limit ? results[..limit] : results;
    }

    private Dictionary<string, AttributeValue> FreshAttributes(ParkedEvent parked, long id)
    {
        var eventTimeMs = parked.EventTime.ToUnixTimeMilliseconds();
        var attributes = new Dictionary<string, AttributeValue>
        {
            ["id"] = Num(id),
            ["tenant_id"] = Str(parked.Tenant.Value),
            ["product_id"] = Str(parked.ProductId),
            ["event_id"] = Str(parked.EventId),
            ["detail_type"] = Str(parked.DetailType),
            ["payload"] = Str(parked.Payload),
            ["transport"] = Str(parked.Transport),
            ["event_time_ms"] = Num(eventTimeMs),
            ["expires_at_ms"] = Num(parked.ExpiresAt.ToUnixTimeMilliseconds()),
            ["parked_at_ms"] = Num(parked.ParkedAt.ToUnixTimeMilliseconds()),
            [DynamoDbSyncTable.Ttl] = Num(EpochSeconds(parked.ExpiresAt.Add(table.Options.ParkedEventGrace))),
            [DynamoDbSyncTable.Gsi1Pk] = Str(AllPartition),
            [DynamoDbSyncTable.Gsi1Sk] = Str($"{Sortable(eventTimeMs)}#{Sortable(id)}"),
            [DynamoDbSyncTable.Gsi2Pk] = Str(IdPartition(id)),
            [DynamoDbSyncTable.Gsi2Sk] = Str(AllPartition),
        };
        if (parked.ImageKey is { Length: > 0 } imageKey)
        {
            attributes["image_key"] = Str(imageKey);
        }

        return attributes;
    }

    private static string Pk(TenantId tenant, string productId) => $"PARKED#{tenant.Value}#{productId}";

    private static string Sk(string detailType, string eventId) => $"EVENT#{detailType}#{eventId}";

    private static string IdPartition(long id) => $"PARKEDID#{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static ParkedEvent ToParked(Dictionary<string, AttributeValue> item) => new()
    {
        Id = Long(item, "id"),
        Tenant = new TenantId(String(item, "tenant_id")),
        ProductId = String(item, "product_id"),
        EventId = String(item, "event_id"),
        DetailType = String(item, "detail_type"),
        Payload = String(item, "payload"),
        Transport = String(item, "transport"),
        EventTime = DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "event_time_ms")),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "expires_at_ms")),
        ParkedAt = DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "parked_at_ms")),
        Attempts = (int)Long(item, "attempts"),
        ImageKey = item.TryGetValue("image_key", out var imageKey) ? imageKey.S : null,
    };
}
