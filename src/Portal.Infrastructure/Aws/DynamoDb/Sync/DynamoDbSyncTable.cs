using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// The one table of the sync stores (<c>portal-sync-{stage}</c>): generic <c>pk</c>/<c>sk</c>, the <c>ttl</c> attribute and two
/// overloaded sparse GSIs (<c>gsi1</c>, <c>gsi2</c>), each item type using them for its own access patterns
/// (<c>docs/aws/dynamodb-sync.md</c>). Also its <see cref="IDynamoDbTableSpec"/> for provisioning.
/// </summary>
public sealed class DynamoDbSyncTable : IDynamoDbTableSpec
{
    public const string Pk = "pk";
    public const string Sk = "sk";
    public const string Ttl = "ttl";
    public const string Gsi1 = "gsi1";
    public const string Gsi1Pk = "gsi1pk";
    public const string Gsi1Sk = "gsi1sk";
    public const string Gsi2 = "gsi2";
    public const string Gsi2Pk = "gsi2pk";
    public const string Gsi2Sk = "gsi2sk";

    public DynamoDbSyncTable(string tableName, DynamoDbSyncOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentNullException.ThrowIfNull(options);
        var problem = options.Problems().FirstOrDefault();
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        TableName = tableName;
        Options = options;
    }

    /// <summary><c>portal-sync-{stage}</c>.</summary>
    public static string DefaultName(string stage) => $"portal-sync-{stage}";

    public string TableName { get; }

    public DynamoDbSyncOptions Options { get; }

    public string? TimeToLiveAttribute => Ttl;

    public CreateTableRequest CreateTableRequest() => new()
    {
        TableName = TableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(Pk, ScalarAttributeType.S),
            new AttributeDefinition(Sk, ScalarAttributeType.S),
            new AttributeDefinition(Gsi1Pk, ScalarAttributeType.S),
            new AttributeDefinition(Gsi1Sk, ScalarAttributeType.S),
            new AttributeDefinition(Gsi2Pk, ScalarAttributeType.S),
            new AttributeDefinition(Gsi2Sk, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(Pk, KeyType.HASH), new KeySchemaElement(Sk, KeyType.RANGE)],
        GlobalSecondaryIndexes =
        [
            Index(Gsi1, Gsi1Pk, Gsi1Sk),
            Index(Gsi2, Gsi2Pk, Gsi2Sk),
        ],
    };

    private static GlobalSecondaryIndex Index(string name, string pk, string sk) => new()
    {
        IndexName = name,
        KeySchema = [new KeySchemaElement(pk, KeyType.HASH), new KeySchemaElement(sk, KeyType.RANGE)],
        // Both indexes serve listings that return whole items (parked events, dead letters), so they project everything.
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };
}
