using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Images;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sync.SyncAttributes;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Embeddings by model and image SHA-256 in the sync table (<c>pk = EMB#{modelId}#{sha256}</c>, <c>sk = EMB</c>): the vector as a
/// Binary attribute (float32 little-endian) with its model id and dimension, the first put kept (conditional), a bounded
/// in-memory cache in front.
/// </summary>
public sealed class DynamoDbImageEmbeddingStore : IImageEmbeddingStore
{
    private const string ItemSk = "EMB";
    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbSyncTable _table;
    private readonly TimeProvider _timeProvider;
    private readonly EmbeddingCache _memory;

    public DynamoDbImageEmbeddingStore(IAmazonDynamoDB client, DynamoDbSyncTable table, TimeProvider timeProvider)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _memory = new EmbeddingCache(Math.Max(1, table.Options.EmbeddingMemoryCapacity));
    }

    public async Task<float[]?> TryGetAsync(string modelId, string imageSha256, CancellationToken cancellationToken)
    {
        var pk = Pk(modelId, imageSha256);
        if (_memory.TryGet(modelId, imageSha256, out var cached))
        {
            return cached;
        }

        var response = await _client.GetItemAsync(new GetItemRequest { TableName = _table.TableName, Key = Key(pk, ItemSk) }, cancellationToken);
        var item = response.Item;
        if (!IsLive(item, _timeProvider.GetUtcNow())
            || !EmbeddingCodec.TryDecode(OptionalString(item!, "model_id"), OptionalLong(item!, "dimension") ?? 0, OptionalBytes(item!, "vector") ?? [], out var embedding)
            || !string.Equals(embedding!.ModelId, modelId, StringComparison.Ordinal))
        {
            return null;
        }

        _memory.Set(modelId, imageSha256, embedding.Vector);
        return embedding.Vector;
    }

    public async Task PutAsync(string modelId, string imageSha256, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        var pk = Pk(modelId, imageSha256);
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The vector is empty.", nameof(vector));
        }

        try
        {
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = _table.TableName,
                Item = new Dictionary<string, AttributeValue>(Key(pk, ItemSk))
                {
                    ["model_id"] = Str(modelId),
                    ["sha256"] = Str(imageSha256),
                    ["dimension"] = Num(vector.Length),
                    ["vector"] = Bin(EmbeddingCodec.Encode(vector.Span)),
                    ["created_at"] = Str(Timestamp(_timeProvider.GetUtcNow())),
                },
                // The model is deterministic: the first vector stays.
                ConditionExpression = "attribute_not_exists(#pk)",
                ExpressionAttributeNames = new() { ["#pk"] = DynamoDbSyncTable.Pk },
            }, cancellationToken);
            _memory.Set(modelId, imageSha256, vector.ToArray());
        }
        catch (ConditionalCheckFailedException)
        {
            // Stored before; the next read caches the stored vector.
        }
    }

    /// <summary>The key is ours: the model id is configuration and the hash is computed here, so anything else is a bug, refused.</summary>
    private static string Pk(string modelId, string imageSha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageSha256);
        if (modelId.Contains('#', StringComparison.Ordinal) || modelId.Length > 256)
        {
            throw new ArgumentException("The model id must not contain '#' and must be at most 256 characters.", nameof(modelId));
        }

        if (imageSha256.Length != 64 || !imageSha256.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new ArgumentException("The image hash must be 64 lowercase hex characters (SHA-256).", nameof(imageSha256));
        }

        return $"EMB#{modelId}#{imageSha256}";
    }
}
