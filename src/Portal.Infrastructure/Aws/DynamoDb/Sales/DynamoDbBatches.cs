using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// BatchWriteItem (25 per call) and BatchGetItem (100 keys per call) with their unprocessed remainders retried under
/// exponential backoff with jitter. The SDK's adaptive retry covers throttled calls; unprocessed items come back in a
/// successful response, so they are ours to retry.
/// </summary>
internal static class DynamoDbBatches
{
    public const int WriteChunk = 25;
    public const int GetChunk = 100;
    private const int MaxAttempts = 10;

    public static async Task WriteAsync(IAmazonDynamoDB client, string table, IReadOnlyList<WriteRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var chunk in requests.Chunk(WriteChunk))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = [.. chunk] };
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt > 0)
                {
                    await BackoffAsync(attempt, table, cancellationToken);
                }

                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems is { Count: > 0 } unprocessed
                    ? unprocessed.Where(p => p.Value is { Count: > 0 }).ToDictionary(p => p.Key, p => p.Value)
                    : [];
            }
        }
    }

    public static async Task<List<Dictionary<string, AttributeValue>>> GetAsync(
        IAmazonDynamoDB client, string table, IReadOnlyList<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>(keys.Count);
        foreach (var chunk in keys.Chunk(GetChunk))
        {
            var pending = new Dictionary<string, KeysAndAttributes> { [table] = new KeysAndAttributes { Keys = [.. chunk], ConsistentRead = true } };
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt > 0)
                {
                    await BackoffAsync(attempt, table, cancellationToken);
                }

                var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken);
                if (response.Responses is { } responses && responses.TryGetValue(table, out var found) && found is not null)
                {
                    items.AddRange(found);
                }

                pending = response.UnprocessedKeys is { Count: > 0 } unprocessed
                    ? unprocessed.Where(p => p.Value?.Keys is { Count: > 0 }).ToDictionary(p => p.Key, p => p.Value)
                    : [];
            }
        }

        return items;
    }

    private static Task BackoffAsync(int attempt, string table, CancellationToken cancellationToken)
    {
        if (attempt >= MaxAttempts)
        {
            throw new InvalidOperationException($"DynamoDB left items of table '{table}' unprocessed after {MaxAttempts} attempts; nothing was skipped silently.");
        }

        // Wall-clock pacing against the service, not business time: the store's TimeProvider may be a test's frozen clock.
        var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 50 * Math.Pow(2, attempt)) * (0.5 + Random.Shared.NextDouble() / 2));
        return Task.Delay(delay, cancellationToken);
    }
}
