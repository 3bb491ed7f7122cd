using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2.Model;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The parallel index load as parallel Scan segments over the base table: DynamoDB spreads every segment over all the
/// table's partitions (the sale items' keys are tenant and product, well spread), where a query per tenant on GSI-4 reads
/// one partition key at a time. The scan reads the small guard and registry items too; the filter keeps the live sales.
/// </summary>
public sealed partial class DynamoDbSalesStore
{
    public async Task<SalesLoadPlan> PlanLoadAsync(int segments, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        // Scan accepts at most 1,000,000 segments; far fewer are ever useful.
        var parts = Math.Min(segments, 1_000_000);
        var plan = Enumerable.Range(0, parts).Select(i => new SalesLoadSegment(i, parts)).ToArray();
        return new SalesLoadPlan(plan, await EstimateSalesAsync(cancellationToken));
    }

    public async IAsyncEnumerable<SaleWithPhotos> StreamLoadSegmentAsync(
        SalesLoadSegment segment, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var request = new ScanRequest
        {
            TableName = TableName,
            Segment = segment.Number,
            TotalSegments = segment.Of,
            FilterExpression = "#entity = :sale AND #ttl > :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#entity"] = Entity, ["#ttl"] = Ttl },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":sale"] = Str(SaleEntity), [":now"] = Num(NowSeconds()) },
        };
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            request.ExclusiveStartKey = startKey;
            var response = await _client.ScanAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                var sale = ToSale(item);
                var embedding = ReadEmbedding(item, sale);
                yield return new SaleWithPhotos(sale, embedding) { MorePhotos = embedding is null ? [] : ReadMorePhotos(item, sale) };
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);
    }

    /// <summary>
    /// GSI-4 holds exactly the sale items, so its item count (DynamoDB refreshes it about every six hours; expired items not yet
    /// deleted count too) estimates the load for its progress, for one DescribeTable. Null when unknown (0, or no such index).
    /// </summary>
    private async Task<long?> EstimateSalesAsync(CancellationToken cancellationToken)
    {
        var table = (await _client.DescribeTableAsync(new DescribeTableRequest { TableName = TableName }, cancellationToken)).Table;
        var count = table?.GlobalSecondaryIndexes?.FirstOrDefault(i => i.IndexName == Gsi4)?.ItemCount;
        return count is > 0 ? count : null;
    }
}
