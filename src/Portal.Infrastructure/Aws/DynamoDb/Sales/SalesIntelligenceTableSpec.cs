using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// <c>sales-intelligence-{stage}</c> as <c>portal provision aws</c> creates it: on-demand billing, <c>pk</c>/<c>sk</c>, the seed's
/// GSI-1 (category/season by price), GSI-2 (embedding-active by date, with the embedding), GSI-3 (brand by date), GSI-4 (a
/// tenant's sales by date, every attribute) the sparse GSI-OUTBOX (pending lake rows by shard and enqueue time) and the sparse GSI-FEED (every sale by shard and write time), TTL on <c>ttl</c>.
/// </summary>
public sealed class SalesIntelligenceTableSpec(string tableName) : IDynamoDbTableSpec
{
    public string TableName { get; } = !string.IsNullOrWhiteSpace(tableName) ? tableName : throw new ArgumentException("A table name is required.", nameof(tableName));

    public string? TimeToLiveAttribute => Ttl;

    public CreateTableRequest CreateTableRequest() => new()
    {
        TableName = TableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            StringAttribute(Pk), StringAttribute(Sk),
            StringAttribute(Gsi1Pk), StringAttribute(Gsi1Sk),
            StringAttribute(Gsi2Pk), StringAttribute(Gsi2Sk),
            StringAttribute(Gsi3Pk), StringAttribute(Gsi3Sk),
            StringAttribute(Gsi4Pk), StringAttribute(Gsi4Sk),
            StringAttribute(OutboxPk), StringAttribute(OutboxSk),
            StringAttribute(FeedPk), StringAttribute(FeedSk),
        ],
        KeySchema = [new KeySchemaElement(Pk, KeyType.HASH), new KeySchemaElement(Sk, KeyType.RANGE)],
        GlobalSecondaryIndexes =
        [
            Index(Gsi1, Gsi1Pk, Gsi1Sk, Include(SaleAttributes)),
            // The seed: GSI-2 projects the embedding, so a similarity batch reads vectors without touching the base table.
            Index(Gsi2, Gsi2Pk, Gsi2Sk, Include([.. SaleAttributes, Embedding, EmbeddingModel, EmbeddingDim])),
            Index(Gsi3, Gsi3Pk, Gsi3Sk, Include(SaleAttributes)),
            // Every live sale of a tenant by date (the index load, the explorer and validation partitions): ALL, embedding included.
            Index(Gsi4, Gsi4Pk, Gsi4Sk, new Projection { ProjectionType = ProjectionType.ALL }),
            // Discovery only: the claim reads the sale items by key, strongly consistent.
            Index(GsiOutbox, OutboxPk, OutboxSk, new Projection { ProjectionType = ProjectionType.KEYS_ONLY }),
            // The change feed every pricing host follows: sale keys by shard and write time, with the TTL to skip expired ones.
            Index(GsiFeed, FeedPk, FeedSk, Include([Ttl])),
        ],
    };

    private static AttributeDefinition StringAttribute(string name) => new(name, ScalarAttributeType.S);

    private static Projection Include(string[] attributes) => new() { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [.. attributes] };

    private static GlobalSecondaryIndex Index(string name, string partitionKey, string sortKey, Projection projection) => new()
    {
        IndexName = name,
        KeySchema = [new KeySchemaElement(partitionKey, KeyType.HASH), new KeySchemaElement(sortKey, KeyType.RANGE)],
        Projection = projection,
    };
}
