using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>Section <c>Aws:DynamoDb:Sync</c>: the sync table and how long its items live.</summary>
public sealed class DynamoDbSyncOptions
{
    public const string SectionName = "Aws:DynamoDb:Sync";

    /// <summary>Table name override; empty = <c>portal-sync-{Aws:Stage}</c>.</summary>
    [RegularExpression("^[a-zA-Z0-9_.-]{3,255}$", ErrorMessage = "Aws:DynamoDb:Sync:TableName must be 3-255 letters, digits, '_', '.' or '-'.")]
    public string? TableName { get; set; }

    /// <summary>How long an idempotency record lives after its claim or completion (the 24 h window of duplicates).</summary>
    public TimeSpan IdempotencyExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the store remembers that an event moved a product (the replay decision for redeliveries).</summary>
    public TimeSpan ProductEventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a parked event outlives its own expiry, so the retry loop can still dead-letter it after an outage.</summary>
    public TimeSpan ParkedEventGrace { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a redriven or discarded dead letter is kept (pending letters never expire).</summary>
    public TimeSpan ResolvedDeadLetterRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Embeddings kept in memory in front of the table.</summary>
    [Range(0, 10_000_000, ErrorMessage = "Aws:DynamoDb:Sync:EmbeddingMemoryCapacity must be 0-10000000.")]
    public int EmbeddingMemoryCapacity { get; set; } = 16_384;

    /// <summary>Independent keys (or products) a micro-batch writes at once.</summary>
    [Range(1, 64, ErrorMessage = "Aws:DynamoDb:Sync:MaxConcurrentWrites must be 1-64.")]
    public int MaxConcurrentWrites { get; set; } = 8;

    /// <summary>The problems of the durations, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (IdempotencyExpiry <= TimeSpan.Zero) yield return "Aws:DynamoDb:Sync:IdempotencyExpiry must be positive.";
        if (ProductEventRetention <= TimeSpan.Zero) yield return "Aws:DynamoDb:Sync:ProductEventRetention must be positive.";
        if (ParkedEventGrace < TimeSpan.Zero) yield return "Aws:DynamoDb:Sync:ParkedEventGrace must not be negative.";
        if (ResolvedDeadLetterRetention <= TimeSpan.Zero) yield return "Aws:DynamoDb:Sync:ResolvedDeadLetterRetention must be positive.";
    }
}
