using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>The client and the table name the operations stores share, with the paging and batching loops they all need.</summary>
public sealed class OperationsTable(IAmazonDynamoDB client, OperationsTableSpec spec)
{
    private const int BatchWriteLimit = 25;
    private const int MaxBatchAttempts = 8;

    public IAmazonDynamoDB Client { get; } = client;

    public string Name { get; } = spec.TableName;

    /// <summary>One item by its key, read consistently; null when there is none.</summary>
    internal async Task<Dictionary<string, AttributeValue>?> GetItemAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await Client.GetItemAsync(new GetItemRequest { TableName = Name, Key = key, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>
    /// Pages through a query (<c>ExclusiveStartKey</c>) until it is exhausted or <paramref name="take"/> items passed
    /// <paramref name="keep"/> after <paramref name="skip"/> of them; a filter is applied here so paging never stops early.
    /// </summary>
    internal async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        QueryRequest request, CancellationToken cancellationToken, Func<Dictionary<string, AttributeValue>, bool>? keep = null, int skip = 0, int? take = null)
    {
        request.TableName = Name;
        var items = new List<Dictionary<string, AttributeValue>>();
        var skipped = 0;
        do
        {
            var response = await Client.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (keep is not null && !keep(item))
                {
                    continue;
                }

                if (skipped < skip)
                {
                    skipped++;
                    continue;
                }

                items.Add(item);
                if (items.Count == take)
                {
                    return items;
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);

        return items;
    }

    /// <summary>Puts and deletes in <c>BatchWriteItem</c> calls of 25, retrying what DynamoDB leaves unprocessed with backoff.</summary>
    internal async Task BatchWriteAsync(IEnumerable<WriteRequest> writes, CancellationToken cancellationToken)
    {
        foreach (var chunk in writes.Chunk(BatchWriteLimit))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [Name] = [.. chunk] };
            for (var attempt = 1; pending.Count > 0 && pending.Values.Sum(v => v.Count) > 0; attempt++)
            {
                if (attempt > MaxBatchAttempts)
                {
                    throw new InvalidOperationException($"DynamoDB left {pending.Values.Sum(v => v.Count)} writes to {Name} unprocessed after {MaxBatchAttempts} attempts.");
                }

                if (attempt > 1)
                {
                    // Unprocessed items mean the partition is throttled: back off before asking again.
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Pow(2, attempt - 2)), cancellationToken);
                }

                var response = await Client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems ?? [];
            }
        }
    }

    internal static AttributeValue Str(string value) => new() { S = value };

    internal static AttributeValue Num(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    internal static AttributeValue Num(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    internal static AttributeValue Strings(IEnumerable<string> values) => new() { L = [.. values.Select(Str)] };

    internal static Dictionary<string, AttributeValue> Key(string pk, string sk) =>
        new() { [OperationsKeys.Pk] = Str(pk), [OperationsKeys.Sk] = Str(sk) };

    /// <summary>Sets an optional string attribute; absent (not empty) when null, as DynamoDB refuses empty key-less values poorly.</summary>
    internal static void SetOptional(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = Str(value);
        }
    }

    internal static string GetString(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is not null ? value.S : throw new InvalidDataException($"Item attribute '{name}' is missing.");

    internal static string? GetOptionalString(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    internal static long GetLong(Dictionary<string, AttributeValue> item, string name) =>
        long.Parse(item.TryGetValue(name, out var value) && value.N is not null ? value.N : throw new InvalidDataException($"Item attribute '{name}' is missing."), CultureInfo.InvariantCulture);

    internal static long? GetOptionalLong(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is not null ? long.Parse(value.N, CultureInfo.InvariantCulture) : null;

    internal static double GetDouble(Dictionary<string, AttributeValue> item, string name) =>
        double.Parse(item.TryGetValue(name, out var value) && value.N is not null ? value.N : throw new InvalidDataException($"Item attribute '{name}' is missing."), CultureInfo.InvariantCulture);

    internal static IReadOnlyList<string> GetStrings(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.L is not null ? [.. value.L.Select(v => v.S ?? "")] : [];

    internal static DateTimeOffset GetTime(Dictionary<string, AttributeValue> item, string name) => ParseTime(GetString(item, name));

    internal static DateTimeOffset? GetOptionalTime(Dictionary<string, AttributeValue> item, string name) =>
        GetOptionalString(item, name) is { } text ? ParseTime(text) : null;

    internal static string Time(DateTimeOffset at) => OperationsKeys.Iso(at);

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
}
