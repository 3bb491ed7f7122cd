namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>
/// Long ids for items DynamoDB cannot number (dead letters, parked events): milliseconds since 2025-01-01 in the high bits and
/// 22 random bits below, never smaller than the previous id of this process. Ids of one process are strictly increasing;
/// ids of several processes interleave by time. Where the id is the key, the write is conditional, so a collision is retried.
/// </summary>
public sealed class TimeOrderedIds(TimeProvider timeProvider)
{
    private const int RandomBits = 22;
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _last;

    public long Next()
    {
        var milliseconds = Math.Max(0, (long)(timeProvider.GetUtcNow() - Epoch).TotalMilliseconds);
        var candidate = (milliseconds << RandomBits) | Random.Shared.NextInt64(1L << RandomBits);
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(candidate, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }
}
