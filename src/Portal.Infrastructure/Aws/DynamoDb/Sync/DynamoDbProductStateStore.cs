using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Sync;
using static Portal.Infrastructure.Aws.DynamoDb.Sync.SyncAttributes;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Product states in the sync table: one versioned item per product (<c>pk = PRODUCT#{tenant}#{productId}</c>, <c>sk = STATE</c>)
/// written with <c>version = :read</c> (or <c>attribute_not_exists(pk)</c> for the first), and one small item per event that
/// moved the product (<c>sk = EVENT#{eventId}</c>, with a <c>ttl</c>) for the replay decision.
/// </summary>
/// <remarks>
/// The state is written before its event item. A crash between the two leaves the state's <c>last_event_id</c> naming the
/// event, so its redelivery is still a replay (and writes the missing event item); the reverse order could remember an event
/// whose state write never happened and turn its redelivery into a false replay.
/// </remarks>
public sealed class DynamoDbProductStateStore(IAmazonDynamoDB client, DynamoDbSyncTable table, TimeProvider timeProvider) : IProductStateStore
{
    private const string StateSk = "STATE";
    private const string EventSkPrefix = "EVENT#";
    private const int MaxConflictRetries = 10;

    public async Task<ProductState?> GetAsync(TenantId tenant, string productId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(productId);
        var item = await GetItemAsync(Pk(tenant, productId), StateSk, cancellationToken);
        return item is null ? null : ToState(item);
    }

    /// <summary>Decides and applies in order per product, products in parallel (later requests of a product see earlier ones).</summary>
    public async Task<IReadOnlyList<TransitionDecision>> ApplyAsync(IReadOnlyList<ProductTransitionRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests)
        {
            ArgumentNullException.ThrowIfNull(request);
            ArgumentException.ThrowIfNullOrWhiteSpace(request.ProductId);
            ArgumentException.ThrowIfNullOrWhiteSpace(request.EventId);
        }

        return await KeyedBatch.RunAsync(requests, r => Pk(r.Tenant, r.ProductId), ApplyOneAsync, table.Options.MaxConcurrentWrites, cancellationToken);
    }

    private async Task<TransitionDecision> ApplyOneAsync(ProductTransitionRequest request, CancellationToken cancellationToken)
    {
        var pk = Pk(request.Tenant, request.ProductId);
        for (var attempt = 0; ; attempt++)
        {
            var stateRead = GetItemAsync(pk, StateSk, cancellationToken);
            var eventRead = GetItemAsync(pk, EventSkPrefix + request.EventId, cancellationToken);
            var stateItem = await stateRead;
            var eventItem = await eventRead;
            var current = stateItem is null ? null : ToState(stateItem);
            if (current is not null && !string.Equals(current.LastEventId, request.EventId, StringComparison.Ordinal) && eventItem is not null)
            {
                // Applied before and then moved past (a later event of the same micro-batch, then a crash before the idempotency
                // outcomes were stored): a replay. Deciding it again against the newer state would call it illegal or move the product back.
                return new TransitionDecision(TransitionKind.Replay, current.Status, null);
            }

            var decision = ProductLifecycle.Decide(current, request.Type, request.EventId);
            if (decision.Kind == TransitionKind.Replay && eventItem is null)
            {
                // The state names the event but its event item is missing (a crash between the two writes): write it now.
                await PutEventAsync(pk, request.EventId, cancellationToken);
            }

            if (decision.Kind != TransitionKind.Apply)
            {
                return decision;
            }

            if (await TryWriteStateAsync(pk, request, decision.NewStatus!.Value, current, cancellationToken))
            {
                await PutEventAsync(pk, request.EventId, cancellationToken);
                return decision;
            }

            // Someone else moved the product since we read it: decide again on the new state.
            if (attempt >= MaxConflictRetries)
            {
                throw new InvalidOperationException($"Product {request.Tenant.Value}/{request.ProductId} kept changing under a conditional update.");
            }
        }
    }

    private async Task<bool> TryWriteStateAsync(string pk, ProductTransitionRequest request, ProductStatus status, ProductState? current, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var item = new Dictionary<string, AttributeValue>(Key(pk, StateSk))
        {
            ["tenant_id"] = Str(request.Tenant.Value),
            ["product_id"] = Str(request.ProductId),
            ["status"] = Str(status.ToString()),
            ["version"] = Num((current?.Version ?? 0) + 1),
            ["last_event_id"] = Str(request.EventId),
            ["last_event_time_ms"] = Num(request.EventTime.ToUnixTimeMilliseconds()),
            ["updated_at_ms"] = Num(now.ToUnixTimeMilliseconds()),
        };
        var put = current is null
            ? new PutItemRequest
            {
                TableName = table.TableName,
                Item = item,
                ConditionExpression = "attribute_not_exists(#pk)",
                ExpressionAttributeNames = new() { ["#pk"] = DynamoDbSyncTable.Pk },
            }
            : new PutItemRequest
            {
                TableName = table.TableName,
                Item = item,
                ConditionExpression = "#version = :read",
                ExpressionAttributeNames = new() { ["#version"] = "version" },
                ExpressionAttributeValues = new() { [":read"] = Num(current.Version) },
            };
        try
        {
            await client.PutItemAsync(put, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private Task PutEventAsync(string pk, string eventId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return client.PutItemAsync(new PutItemRequest
        {
            TableName = table.TableName,
            Item = new Dictionary<string, AttributeValue>(Key(pk, EventSkPrefix + eventId))
            {
                ["event_id"] = Str(eventId),
                ["applied_at_ms"] = Num(now.ToUnixTimeMilliseconds()),
                [DynamoDbSyncTable.Ttl] = Num(EpochSeconds(now.Add(table.Options.ProductEventRetention))),
            },
        }, cancellationToken);
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string pk, string sk, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table.TableName, Key = Key(pk, sk), ConsistentRead = true }, cancellationToken);
        return IsLive(response.Item, timeProvider.GetUtcNow()) ? response.Item : null;
    }

    /// <summary>Tenant ids never contain '#', so the key parses back unambiguously whatever the product id holds.</summary>
    private static string Pk(TenantId tenant, string productId) => $"PRODUCT#{tenant.Value}#{productId}";

    private static ProductState ToState(Dictionary<string, AttributeValue> item) => new(
        Enum.Parse<ProductStatus>(String(item, "status")),
        Long(item, "version"),
        String(item, "last_event_id"),
        DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "last_event_time_ms")));
}
