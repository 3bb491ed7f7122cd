using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Sync;
using static Portal.Infrastructure.Aws.DynamoDb.Sync.SyncAttributes;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Idempotency records in the sync table: <c>pk = IDEM#{tenant}#{type}#{eventId}</c>, <c>sk = IDEM</c>. The claim is ONE
/// conditional put (<c>attribute_not_exists(pk) OR ttl &lt; now OR (IN_PROGRESS AND lease lapsed AND same payload)</c>); when
/// the condition fails the record that made it fail (returned with the failure, or read back) decides the answer; a fresh
/// <c>claim_token</c> per claim tells our own write (an SDK retry after a lost response) from someone else's.
/// </summary>
public sealed class DynamoDbIdempotencyStore(IAmazonDynamoDB client, DynamoDbSyncTable table, TimeProvider timeProvider) : IIdempotencyStore
{
    private const string ItemSk = "IDEM";
    private const string InProgress = "IN_PROGRESS";
    private const string Completed = "COMPLETED";
    private const int MaxClaimAttempts = 5;

    private static readonly Dictionary<string, string> Names = new()
    {
        ["#pk"] = DynamoDbSyncTable.Pk,
        ["#ttl"] = DynamoDbSyncTable.Ttl,
        ["#status"] = "status",
        ["#lease"] = "lease_expiry_ms",
        ["#hash"] = "payload_sha256",
        ["#outcome"] = "outcome",
        ["#updated"] = "updated_at",
    };

    public async Task<IdempotencyClaim> TryBeginAsync(IdempotencyKey key, string payloadSha256, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ValidateHash(payloadSha256);
        ValidateLease(lease);
        return await ClaimAsync(key, payloadSha256, lease, cancellationToken);
    }

    /// <summary>Claims in order per key and in parallel across keys (a repeated key sees its earlier claim).</summary>
    public async Task<IReadOnlyList<IdempotencyClaim>> TryBeginManyAsync(IReadOnlyList<(IdempotencyKey Key, string PayloadSha256)> claims, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var (key, payloadSha256) in claims)
        {
            ArgumentNullException.ThrowIfNull(key);
            ValidateHash(payloadSha256);
        }

        ValidateLease(lease);
        return await KeyedBatch.RunAsync(claims, c => c.Key.Value, (c, token) => ClaimAsync(c.Key, c.PayloadSha256, lease, token),
            table.Options.MaxConcurrentWrites, cancellationToken);
    }

    public async Task CompleteAsync(IdempotencyKey key, string outcomeJson, CancellationToken cancellationToken)
    {
        if (!await TryCompleteAsync(key, outcomeJson, cancellationToken))
        {
            throw new InvalidOperationException($"Idempotency record '{key.Value}' is not live (released or expired); it cannot be completed.");
        }
    }

    public async Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<(IdempotencyKey Key, string OutcomeJson)> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return await KeyedBatch.RunAsync(completions, c => c.Key.Value, (c, token) => TryCompleteAsync(c.Key, c.OutcomeJson, token),
            table.Options.MaxConcurrentWrites, cancellationToken);
    }

    public async Task ReleaseAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table.TableName,
                Key = Key(key.Value, ItemSk),
                ConditionExpression = "#status = :in_progress",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = new() { [":in_progress"] = Str(InProgress) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Completed (kept) or already gone: nothing to release.
        }
    }

    private async Task<IdempotencyClaim> ClaimAsync(IdempotencyKey key, string payloadSha256, TimeSpan lease, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            // Our mark on the claim: when a retried put (after a timeout or a 5xx whose write went through) fails its condition,
            // finding our own token means the claim is ours, not someone else's in-progress record.
            var token = Guid.NewGuid().ToString("N");
            try
            {
                await client.PutItemAsync(new PutItemRequest
                {
                    TableName = table.TableName,
                    Item = new Dictionary<string, AttributeValue>(Key(key.Value, ItemSk))
                    {
                        ["tenant_id"] = Str(key.Tenant.Value),
                        ["status"] = Str(InProgress),
                        ["payload_sha256"] = Str(payloadSha256),
                        [DynamoDbSyncTable.Ttl] = Num(EpochSeconds(now.Add(table.Options.IdempotencyExpiry))),
                        ["lease_expiry_ms"] = Num(now.Add(lease).ToUnixTimeMilliseconds()),
                        ["updated_at"] = Str(Timestamp(now)),
                        ["claim_token"] = Str(token),
                    },
                    // Absent, expired, or in progress with a lapsed lease for the same payload. A lapsed lease with another
                    // payload is not taken over: the key stays bound to its payload until the record expires.
                    ConditionExpression = "attribute_not_exists(#pk) OR #ttl < :now OR (#status = :in_progress AND #lease < :now_ms AND #hash = :hash)",
                    ExpressionAttributeNames = Pick("#pk", "#ttl", "#status", "#lease", "#hash"),
                    ExpressionAttributeValues = new()
                    {
                        [":now"] = Num(EpochSeconds(now)),
                        [":now_ms"] = Num(now.ToUnixTimeMilliseconds()),
                        [":in_progress"] = Str(InProgress),
                        [":hash"] = Str(payloadSha256),
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                }, cancellationToken);
                return IdempotencyClaim.Started;
            }
            catch (ConditionalCheckFailedException failure)
            {
                var existing = failure.Item is { Count: > 0 } ? failure.Item : await ReadAsync(key, cancellationToken);
                if (IsLive(existing, now))
                {
                    return OptionalString(existing!, "claim_token") == token && String(existing!, "status") == InProgress ? IdempotencyClaim.Started
                        : !string.Equals(String(existing!, "payload_sha256"), payloadSha256, StringComparison.Ordinal) ? IdempotencyClaim.PayloadMismatch
                        : String(existing!, "status") == Completed ? IdempotencyClaim.Completed(OptionalString(existing!, "outcome") ?? string.Empty)
                        : IdempotencyClaim.InProgress;
                }

                // Released or expired between the write and the read: claim again.
                if (attempt >= MaxClaimAttempts)
                {
                    throw new InvalidOperationException($"Idempotency record '{key.Value}' kept changing under a conditional claim.");
                }
            }
        }
    }

    private async Task<bool> TryCompleteAsync(IdempotencyKey key, string outcomeJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(outcomeJson);
        var now = timeProvider.GetUtcNow();
        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table.TableName,
                Key = Key(key.Value, ItemSk),
                UpdateExpression = "SET #status = :completed, #outcome = :outcome, #ttl = :expiry, #updated = :at",
                ConditionExpression = "attribute_exists(#pk) AND #ttl >= :now",
                ExpressionAttributeNames = Pick("#pk", "#ttl", "#status", "#outcome", "#updated"),
                ExpressionAttributeValues = new()
                {
                    [":completed"] = Str(Completed),
                    [":outcome"] = Str(outcomeJson),
                    [":expiry"] = Num(EpochSeconds(now.Add(table.Options.IdempotencyExpiry))),
                    [":at"] = Str(Timestamp(now)),
                    [":now"] = Num(EpochSeconds(now)),
                },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<Dictionary<string, AttributeValue>?> ReadAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table.TableName, Key = Key(key.Value, ItemSk), ConsistentRead = true }, cancellationToken);
        return response.Item;
    }

    private static Dictionary<string, string> Pick(params string[] names) => names.ToDictionary(n => n, n => Names[n]);

    private static void ValidateLease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        }
    }

    private static void ValidateHash(string payloadSha256)
    {
        ArgumentNullException.ThrowIfNull(payloadSha256);
        if (payloadSha256.Length != 64 || !payloadSha256.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new ArgumentException("The payload hash must be 64 lowercase hex characters (SHA-256).", nameof(payloadSha256));
        }
    }
}
