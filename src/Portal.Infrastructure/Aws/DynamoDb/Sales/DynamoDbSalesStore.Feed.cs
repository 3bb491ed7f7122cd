using Amazon.DynamoDBv2.Model;
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
    /// <remarks>
    /// A merge that pages each shard lazily: every shard is asked for its share of <paramref name="limit"/> (plus a quarter, as
    /// the hash spreads sales unevenly), and only a shard whose buffered entries run out before the page is full is asked for
    /// more. Asking each shard for the whole limit would read and discard about (shards − 1) / shards of what comes back.
    /// </remarks>
    public async Task<IReadOnlyList<SalesFeedEntry>> ReadFeedAsync(SalesFeedCursor cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sinceMs = cursor.Since.ToUnixTimeMilliseconds();
        var after = cursor.After is { } a && a.WrittenAt.ToUnixTimeMilliseconds() >= sinceMs
            ? FeedSortKey(a.WrittenAt.ToUnixTimeMilliseconds(), a.Tenant, a.SaleId)
            : null;
        var shardLimit = Math.Min(limit, (limit + _options.FeedShards - 1) / _options.FeedShards * 5 / 4 + 1);
        var shards = Enumerable.Range(0, _options.FeedShards).Select(shard => new FeedShardReader(shard, after, FeedSortKeyFrom(sinceMs))).ToArray();
        var page = new List<SalesFeedEntry>(limit);
        while (page.Count < limit)
        {
            // Every shard that may hold more has an entry buffered, so the smallest head is the next entry of all shards.
            var refill = shards.Where(s => s.Buffered.Count == 0 && !s.Exhausted).ToList();
            if (refill.Count > 0)
            {
                await Task.WhenAll(refill.Select(s => ReadFeedShardPageAsync(s, shardLimit, cancellationToken)));
                continue;
            }

            FeedShardReader? next = null;
            foreach (var shard in shards)
            {
                if (shard.Buffered.Count > 0 && (next is null || SalesFeedEntry.Compare(shard.Buffered.Peek(), next.Buffered.Peek()) < 0))
                {
                    next = shard;
                }
            }

            if (next is null)
            {
                break;
            }

            page.Add(next.Buffered.Dequeue());
        }

        return page;
    }

    /// <remarks>
    /// Two BatchGetItem rounds of up to 100 keys (the sale-id guards, then the sale items they name), strongly consistent,
    /// instead of two GetItem calls per sale: a follower fetches a poll's new sales in a few requests.
    /// </remarks>
    public async Task<IReadOnlyList<SaleWithPhotos>> GetFeedSalesAsync(IReadOnlyList<SalesFeedEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        // BatchGetItem refuses a key twice: one lookup per sale, in the entries' order.
        var byGuard = new Dictionary<string, SalesFeedEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            RequireTenant(entry.Tenant);
            if (!string.IsNullOrWhiteSpace(entry.SaleId) && entry.SaleId.Length <= MaxIdBytes)
            {
                byGuard.TryAdd(GuardPartitionKey(entry.Tenant, entry.SaleId), entry);
            }
        }

        if (byGuard.Count == 0)
        {
            return [];
        }

        var now = NowSeconds();
        var guards = await DynamoDbBatches.GetAsync(_client, TableName, [.. byGuard.Keys.Select(pk => Key(pk, GuardSortKey))], cancellationToken);
        var byItem = new Dictionary<(string Pk, string Sk), SalesFeedEntry>();
        foreach (var guard in guards)
        {
            if (IsLive(guard, now) && byGuard.TryGetValue(guard[Pk].S, out var entry)
                && OptionalString(guard, SalePk) is { } pk && OptionalString(guard, SaleSk) is { } sk)
            {
                byItem.TryAdd((pk, sk), entry);
            }
        }

        if (byItem.Count == 0)
        {
            return [];
        }

        var items = await DynamoDbBatches.GetAsync(_client, TableName, [.. byItem.Keys.Select(k => Key(k.Pk, k.Sk))], cancellationToken);
        var found = new Dictionary<SalesFeedEntry, SaleWithPhotos>();
        foreach (var item in items)
        {
            if (byItem.TryGetValue((item[Pk].S, item[Sk].S), out var entry) && IsLive(item, now)
                && OptionalString(item, TenantIdAttribute) == entry.Tenant.Value && OptionalString(item, SaleId) == entry.SaleId)
            {
                var sale = ToSale(item);
                var embedding = ReadEmbedding(item, sale);
                found[entry] = new SaleWithPhotos(sale, embedding) { MorePhotos = embedding is null ? [] : ReadMorePhotos(item, sale) };
            }
        }

        return [.. byGuard.Values.Where(found.ContainsKey).Select(e => found[e])];
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

    /// <summary>One page of one shard's live entries after where it stopped (expired ones filtered, so a page may be empty).</summary>
    private async Task ReadFeedShardPageAsync(FeedShardReader shard, int limit, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = TableName,
            IndexName = GsiFeed,
            KeyConditionExpression = shard.AfterKey is null ? "#fpk = :fpk AND #fsk >= :from" : "#fpk = :fpk AND #fsk > :from",
            FilterExpression = "#ttl > :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#fpk"] = FeedPk, ["#fsk"] = FeedSk, ["#ttl"] = Ttl },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":fpk"] = Str(FeedShardKey(shard.Shard)),
                [":from"] = Str(shard.AfterKey ?? shard.FromKey),
                [":now"] = Num(NowSeconds()),
            },
            Limit = limit,
            ExclusiveStartKey = shard.StartKey,
        };
        var response = await _client.QueryAsync(request, cancellationToken);
        foreach (var item in response.Items ?? [])
        {
            var (writtenMs, tenant, saleId) = ParseFeedSortKey(item[FeedSk].S);
            shard.Buffered.Enqueue(new SalesFeedEntry(DateTimeOffset.FromUnixTimeMilliseconds(writtenMs), tenant, saleId));
        }

        shard.StartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        shard.Exhausted = shard.StartKey is null;
    }

    /// <summary>Where one shard's query stands within a <see cref="ReadFeedAsync"/> call.</summary>
    private sealed class FeedShardReader(int shard, string? afterKey, string fromKey)
    {
        public int Shard { get; } = shard;

        public string? AfterKey { get; } = afterKey;

        public string FromKey { get; } = fromKey;

        public Queue<SalesFeedEntry> Buffered { get; } = new();

        public Dictionary<string, AttributeValue>? StartKey { get; set; }

        public bool Exhausted { get; set; }
    }
}
