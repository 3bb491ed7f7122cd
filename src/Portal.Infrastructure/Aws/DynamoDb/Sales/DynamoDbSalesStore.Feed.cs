using Amazon.DynamoDBv2.Model;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The change feed on DynamoDB: every sale item carries <c>FEEDPK</c> (one of <see cref="DynamoDbSalesOptions.FeedShards"/>
/// shards) and <c>FEEDSK</c> (write time, tenant, sale id), so the sparse GSI-FEED lists sales in write order per shard. A read
/// queries each shard from the cursor and merges them; the sales are then read by key through their guards.
/// </summary>
public sealed partial class DynamoDbSalesStore
{
    public async Task<IReadOnlyList<SalesFeedEntry>> ReadFeedAsync(SalesFeedCursor cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sinceMs = cursor.Since.ToUnixTimeMilliseconds();
        var after = cursor.After is { } a && a.WrittenAt.ToUnixTimeMilliseconds() >= sinceMs
            ? FeedSortKey(a.WrittenAt.ToUnixTimeMilliseconds(), a.Tenant, a.SaleId)
            : null;
        var shards = await Task.WhenAll(Enumerable.Range(0, _options.FeedShards)
            .Select(shard => ReadFeedShardAsync(shard, after, FeedSortKeyFrom(sinceMs), limit, cancellationToken)));

        // Each shard's first `limit` in order hold the first `limit` of all shards.
        return [.. shards.SelectMany(s => s).Order(Comparer<SalesFeedEntry>.Create(SalesFeedEntry.Compare)).Take(limit)];
    }

    public async Task<IReadOnlyList<SaleWithPhotos>> GetFeedSalesAsync(IReadOnlyList<SalesFeedEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var found = new SaleWithPhotos?[entries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.WriteConcurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var entry = entries[i];
                RequireTenant(entry.Tenant);
                if (await FindLiveSaleAsync(entry.Tenant, entry.SaleId, token) is { } item)
                {
                    var sale = ToSale(item);
                    var embedding = ReadEmbedding(item, sale);
                    found[i] = new SaleWithPhotos(sale, embedding) { MorePhotos = embedding is null ? [] : ReadMorePhotos(item, sale) };
                }
            });
        return [.. found.OfType<SaleWithPhotos>()];
    }

    /// <summary>One item per host under <c>FEED#HOSTS</c>, expired by TTL a day after its last report.</summary>
    public async Task RecordHeartbeatAsync(SalesFeedHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        ArgumentException.ThrowIfNullOrWhiteSpace(heartbeat.Host);
        var item = new Dictionary<string, AttributeValue>(Key(FeedHostsPk, heartbeat.Host), StringComparer.Ordinal)
        {
            [Entity] = Str(FeedHostEntity),
            [HeartbeatReportedMs] = Num(heartbeat.ReportedAt.ToUnixTimeMilliseconds()),
            [Ttl] = Num(heartbeat.ReportedAt.AddDays(1).ToUnixTimeSeconds()),
        };
        if (heartbeat.Watermark is { } watermark)
        {
            item[HeartbeatWatermarkMs] = Num(watermark.ToUnixTimeMilliseconds());
        }

        if (heartbeat.LastSaleSeenAt is { } seen)
        {
            item[HeartbeatLastSaleSeenMs] = Num(seen.ToUnixTimeMilliseconds());
        }

        if (heartbeat.Lag is { } lag)
        {
            item[HeartbeatLagMs] = Num((long)lag.TotalMilliseconds);
        }

        await _client.PutItemAsync(new PutItemRequest { TableName = TableName, Item = item }, cancellationToken);
    }

    public async Task<IReadOnlyList<SalesFeedHeartbeat>> GetHeartbeatsAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var since = (_timeProvider.GetUtcNow() - within).ToUnixTimeMilliseconds();
        var request = new QueryRequest
        {
            TableName = TableName,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(FeedHostsPk) },
            ConsistentRead = true,
        };
        var heartbeats = new List<SalesFeedHeartbeat>();
        await foreach (var item in QueryAllAsync(request, cancellationToken))
        {
            var reported = LongOf(item, HeartbeatReportedMs);
            if (reported < since)
            {
                continue;
            }

            heartbeats.Add(new SalesFeedHeartbeat(
                item[Sk].S,
                DateTimeOffset.FromUnixTimeMilliseconds(reported),
                item.ContainsKey(HeartbeatWatermarkMs) ? DateTimeOffset.FromUnixTimeMilliseconds(LongOf(item, HeartbeatWatermarkMs)) : null,
                item.ContainsKey(HeartbeatLastSaleSeenMs) ? DateTimeOffset.FromUnixTimeMilliseconds(LongOf(item, HeartbeatLastSaleSeenMs)) : null,
                item.ContainsKey(HeartbeatLagMs) ? TimeSpan.FromMilliseconds(LongOf(item, HeartbeatLagMs)) : null));
        }

        return heartbeats;
    }

    /// <summary>Up to <paramref name="limit"/> live entries of one shard after the cursor, in order (expired ones filtered, so it pages on).</summary>
    private async Task<List<SalesFeedEntry>> ReadFeedShardAsync(int shard, string? afterKey, string fromKey, int limit, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = TableName,
            IndexName = GsiFeed,
            KeyConditionExpression = afterKey is null ? "#fpk = :fpk AND #fsk >= :from" : "#fpk = :fpk AND #fsk > :from",
            FilterExpression = "#ttl > :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#fpk"] = FeedPk, ["#fsk"] = FeedSk, ["#ttl"] = Ttl },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":fpk"] = Str(FeedShardKey(shard)),
                [":from"] = Str(afterKey ?? fromKey),
                [":now"] = Num(NowSeconds()),
            },
            Limit = limit,
        };
        var entries = new List<SalesFeedEntry>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            request.ExclusiveStartKey = start;
            var response = await _client.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                var (writtenMs, tenant, saleId) = ParseFeedSortKey(item[FeedSk].S);
                entries.Add(new SalesFeedEntry(DateTimeOffset.FromUnixTimeMilliseconds(writtenMs), tenant, saleId));
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && entries.Count < limit);

        return entries;
    }
}
