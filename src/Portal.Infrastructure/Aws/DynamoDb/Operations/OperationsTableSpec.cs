using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// The table <c>portal-operations-{stage}</c>: pricing decisions, job runs and their one-running locks, job watermarks, validation
/// reports and the lake-repair audit, as item types over a generic <c>pk</c>/<c>sk</c> with two generic GSIs. The key design is
/// in <c>docs/aws/dynamodb-operations.md</c> and in <see cref="OperationsKeys"/>.
/// </summary>
public sealed class OperationsTableSpec : IDynamoDbTableSpec
{
    public const string Gsi1 = "GSI1";
    public const string Gsi2 = "GSI2";

    public OperationsTableSpec(string stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        TableName = $"portal-operations-{stage}";
    }

    public string TableName { get; }

    /// <summary>No item type of this table expires: the embedded stores keep decisions, runs and reports too (see the docs).</summary>
    public string? TimeToLiveAttribute => null;

    public CreateTableRequest CreateTableRequest() => new()
    {
        TableName = TableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(OperationsKeys.Pk, ScalarAttributeType.S),
            new AttributeDefinition(OperationsKeys.Sk, ScalarAttributeType.S),
            new AttributeDefinition(OperationsKeys.Gsi1Pk, ScalarAttributeType.S),
            new AttributeDefinition(OperationsKeys.Gsi1Sk, ScalarAttributeType.S),
            new AttributeDefinition(OperationsKeys.Gsi2Pk, ScalarAttributeType.S),
            new AttributeDefinition(OperationsKeys.Gsi2Sk, ScalarAttributeType.S),
        ],
        KeySchema =
        [
            new KeySchemaElement(OperationsKeys.Pk, KeyType.HASH),
            new KeySchemaElement(OperationsKeys.Sk, KeyType.RANGE),
        ],
        GlobalSecondaryIndexes =
        [
            Index(Gsi1, OperationsKeys.Gsi1Pk, OperationsKeys.Gsi1Sk),
            Index(Gsi2, OperationsKeys.Gsi2Pk, OperationsKeys.Gsi2Sk),
        ],
    };

    // Both indexes project every attribute: their items are small and each listing reads whole items.
    private static GlobalSecondaryIndex Index(string name, string pk, string sk) => new()
    {
        IndexName = name,
        KeySchema = [new KeySchemaElement(pk, KeyType.HASH), new KeySchemaElement(sk, KeyType.RANGE)],
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };
}
