using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Validation;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The nightly validation's view of <c>sales-intelligence-{stage}</c>: the whole-table passes are parallel Scan segments over
/// sale items only (guard, registry and outbox items are left out by <c>entity</c>), live only; a partition's rows come from
/// GSI-4 (the tenant by date). The SQLite reader's rules: <c>ttl &gt; now</c>, and sales still pending in the outbox are
/// left to the lake writer.
/// </summary>
public sealed class DynamoDbValidationStoreReader(IAmazonDynamoDB client, string tableName, DynamoDbSalesOptions options, TimeProvider timeProvider)
    : IValidationStoreReader
{
    private static readonly string[] CountAttributes = [TenantIdAttribute, SaleDate];
    private static readonly string[] ScanAttributes =
        [TenantIdAttribute, SaleDate, SaleId, Category, SalePrice, SaleCurrency, EmbeddingModel, EmbeddingDim, Embedding];

    public async Task<Dictionary<(string Tenant, string YearMonth), long>> CountPartitionsAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<(string, string), long>();
        await foreach (var page in ScanPagesAsync(CountAttributes, cancellationToken))
        {
            foreach (var item in page)
            {
                // saleDate is fixed-width ISO-8601 UTC: its first seven characters are the partition's year and month.
                var key = (item[TenantIdAttribute].S, item[SaleDate].S[..7]);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts;
    }

    public async Task ScanAsync(StoreScanRowHandler onRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onRow);
        // Segments are read in parallel; rows are handed over one at a time, as the handler aggregates without locks.
        await foreach (var page in ScanPagesAsync(ScanAttributes, cancellationToken))
        {
            foreach (var item in page)
            {
                var hasEmbedding = TryGetEmbeddingBytes(item, out var bytes, out var model, out var dimension);
                onRow(new StoreScanRow
                {
                    Tenant = item[TenantIdAttribute].S,
                    YearMonth = item[SaleDate].S[..7],
                    SaleId = item[SaleId].S,
                    Category = item[Category].S,
                    Price = double.Parse(item[SalePrice].N, NumberStyles.Float, CultureInfo.InvariantCulture),
                    Currency = item[SaleCurrency].S,
                    Model = model,
                    Dimension = dimension,
                    Embedding = bytes,
                    HasEmbedding = hasEmbedding,
                });
            }
        }
    }

    public async Task<List<(SaleRecord Sale, StoredEmbedding? Embedding)>> ReadPartitionAsync(
        SalesPartition partition, IReadOnlySet<string> saleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saleIds);
        var rows = new List<(SaleRecord, StoredEmbedding?)>();
        if (saleIds.Count == 0)
        {
            return rows;
        }

        await foreach (var item in PartitionItemsAsync(partition, excludePending: false, cancellationToken))
        {
            if (!saleIds.Contains(item[SaleId].S))
            {
                continue;
            }

            StoredEmbedding? embedding = null;
            if (TryGetEmbeddingBytes(item, out var bytes, out var model, out var dimension))
            {
                // An undecodable vector is written without it rather than blocking the repair; the validation reports it.
                EmbeddingCodec.TryDecode(model, dimension, bytes, out embedding);
            }

            rows.Add((ToSale(item), embedding));
        }

        return rows;
    }

    public async Task<List<string>> SaleIdsAsync(SalesPartition partition, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var item in PartitionItemsAsync(partition, excludePending: true, cancellationToken))
        {
            ids.Add(item[SaleId].S);
        }

        return ids;
    }

    /// <summary>Nothing to release: the DynamoDB client is the process's shared singleton.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> PartitionItemsAsync(
        SalesPartition partition, bool excludePending, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(partition.Year, partition.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var filter = "#ttl > :now";
        if (excludePending)
        {
            // A sale still in the outbox is on its way to the lake: a repair that wrote it too would double the row.
            filter += " AND attribute_not_exists(#pending)";
        }

        var names = new Dictionary<string, string> { ["#pk"] = Gsi4Pk, ["#sk"] = Gsi4Sk, ["#ttl"] = Ttl };
        if (excludePending)
        {
            names["#pending"] = OutboxPending;
        }

        var request = new QueryRequest
        {
            TableName = tableName,
            IndexName = Gsi4,
            // GSI-4 sort keys are DATE#{ISO-8601}#{sale}: the month is the half-open key range [first day, next month's first day).
            KeyConditionExpression = "#pk = :pk AND #sk BETWEEN :from AND :to",
            FilterExpression = filter,
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":pk"] = Str(Gsi4PartitionKey(partition.Tenant)),
                [":from"] = Str(DateKey(start)),
                [":to"] = Str(DateKey(start.AddMonths(1))),
                [":now"] = Num(timeProvider.GetUtcNow().ToUnixTimeSeconds()),
            },
            ScanIndexForward = true,
        };
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            request.ExclusiveStartKey = startKey;
            var response = await client.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);
    }

    /// <summary>Every live sale item's page, from <see cref="DynamoDbSalesOptions.ScanSegments"/> parallel segments.</summary>
    private async IAsyncEnumerable<List<Dictionary<string, AttributeValue>>> ScanPagesAsync(
        string[] attributes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var segments = options.ScanSegments;
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var pages = Channel.CreateBounded<List<Dictionary<string, AttributeValue>>>(new BoundedChannelOptions(segments * 2) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producers = Enumerable.Range(0, segments).Select(segment => Task.Run(async () =>
        {
            var names = new Dictionary<string, string> { ["#entity"] = Entity, ["#ttl"] = Ttl };
            var projected = new List<string>();
            foreach (var attribute in attributes)
            {
                names["#a" + projected.Count] = attribute;
                projected.Add("#a" + projected.Count);
            }

            var request = new ScanRequest
            {
                TableName = tableName,
                Segment = segment,
                TotalSegments = segments,
                FilterExpression = "#entity = :sale AND #ttl > :now",
                ProjectionExpression = string.Join(", ", projected),
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":sale"] = Str(SaleEntity), [":now"] = Num(now) },
            };
            Dictionary<string, AttributeValue>? startKey = null;
            do
            {
                request.ExclusiveStartKey = startKey;
                var response = await client.ScanAsync(request, stop.Token);
                if (response.Items is { Count: > 0 } items)
                {
                    await pages.Writer.WriteAsync(items, stop.Token);
                }

                startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (startKey is not null);
        }, stop.Token)).ToArray();

        var completion = Task.WhenAll(producers).ContinueWith(
            t => pages.Writer.TryComplete(t.Exception?.GetBaseException() ?? (t.IsCanceled ? new OperationCanceledException(stop.Token) : null)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(cancellationToken))
            {
                yield return page;
            }
        }
        finally
        {
            // A consumer that stopped early (or failed) stops the segments too.
            await stop.CancelAsync();
            await completion;
        }
    }
}
