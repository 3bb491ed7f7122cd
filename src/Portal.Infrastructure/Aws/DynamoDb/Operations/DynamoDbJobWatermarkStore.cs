using Amazon.DynamoDBv2.Model;
using Portal.Core.Jobs;
using static Portal.Infrastructure.Aws.DynamoDb.Operations.OperationsTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// One item per job (<c>JOB#{name}</c> / <c>WATERMARK</c>) beside its run lock. The SQLite store upserts the row; here a single
/// <c>UpdateItem</c> does the same and counts the writes (<c>version</c>), and reads are strongly consistent, so a resumed run
/// always sees the last committed batch.
/// </summary>
public sealed class DynamoDbJobWatermarkStore(OperationsTable table, TimeProvider timeProvider) : IJobWatermarkStore
{
    public async Task<string?> GetAsync(string jobName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        var item = await table.GetItemAsync(Key(OperationsKeys.JobPk(jobName), OperationsKeys.JobWatermarkSk), cancellationToken);
        return item is null ? null : GetOptionalString(item, "watermark");
    }

    public async Task SetAsync(string jobName, string watermark, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        ArgumentNullException.ThrowIfNull(watermark);
        await table.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table.Name,
            Key = Key(OperationsKeys.JobPk(jobName), OperationsKeys.JobWatermarkSk),
            UpdateExpression = "SET watermark = :watermark, updated_at = :at, item_type = :type, job = :job ADD version :one",
            ExpressionAttributeValues = new()
            {
                [":watermark"] = Str(watermark),
                [":at"] = Str(Time(timeProvider.GetUtcNow())),
                [":type"] = Str("job_watermark"),
                [":job"] = Str(jobName),
                [":one"] = Num(1L),
            },
        }, cancellationToken);
    }
}
