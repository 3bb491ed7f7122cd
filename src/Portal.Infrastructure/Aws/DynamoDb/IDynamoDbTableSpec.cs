using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb;

/// <summary>
/// One table the AWS adapters need, as <c>portal provision aws</c> creates or updates it: the full create request (keys, GSIs,
/// billing mode) and the TTL attribute, set in a separate step (DynamoDB takes TTL through its own API).
/// </summary>
public interface IDynamoDbTableSpec
{
    /// <summary>The table name for the configured stage (e.g. <c>sales-intelligence-prod</c>).</summary>
    string TableName { get; }

    /// <summary>The attribute DynamoDB expires items by (epoch seconds), or null for none.</summary>
    string? TimeToLiveAttribute { get; }

    CreateTableRequest CreateTableRequest();
}
