
namespace Portal.Core.Sales;

/// <summary>
/// The sales store's change feed: every sale, in the order it was written (write time, then tenant and sale id), so each host
/// that prices can keep its in-memory index current from the store instead of from its own writes. A follower reads from its
/// watermark minus an overlap (a write stamped before a later one may become visible after it: another writer's clock, a
/// transaction waiting for the lock, an index still propagating) and de-duplicates by sale id.
/// </summary>
/// <remarks>
/// Sales leave the store only by their retention (TTL = sold_at + <see cref="ISalesStore.RetentionPeriod"/>), which every host
/// can apply to its index by itself; the feed therefore carries additions only.
/// </remarks>
public interface ISalesChangeFeed
{
    /// <summary>
    /// Up to <paramref name="limit"/> live sales written at or after <see cref="SalesFeedCursor.Since"/> and, when
    /// <see cref="SalesFeedCursor.After"/> is given, strictly after it in feed order; in feed order.
    /// </summary>
    Task<IReadOnlyList<SalesFeedEntry>> ReadFeedAsync(SalesFeedCursor cursor, int limit, CancellationToken cancellationToken);

    /// <summary>The live sales the entries name, with every photo's embedding; expired or unknown ones are left out.</summary>
    Task<IReadOnlyList<SaleWithPhotos>> GetFeedSalesAsync(IReadOnlyList<SalesFeedEntry> entries, CancellationToken cancellationToken);

    /// <summary>Records (replaces) a following host's heartbeat: how current its index is, for <c>/ops/sync</c>.</summary>
    Task RecordHeartbeatAsync(SalesFeedHeartbeat heartbeat, CancellationToken cancellationToken);

    /// <summary>Every host's latest heartbeat reported within <paramref name="within"/>, by host name.</summary>
    Task<IReadOnlyList<SalesFeedHeartbeat>> GetHeartbeatsAsync(TimeSpan within, CancellationToken cancellationToken);
}

/// <summary>A following host's report: its feed watermark, the write time of the newest sale it has seen, and its lag.</summary>
public sealed record SalesFeedHeartbeat(string Host, DateTimeOffset ReportedAt, DateTimeOffset? Watermark, DateTimeOffset? LastSaleSeenAt, TimeSpan? Lag);

/// <summary>One write in the feed: when the store took it (millisecond precision) and which sale it was.</summary>
public sealed record SalesFeedEntry(DateTimeOffset WrittenAt, TenantId Tenant, string SaleId)
{
    /// <summary>Feed order: write time, then tenant, then sale id (ordinal).</summary>
    public static int Compare(SalesFeedEntry x, SalesFeedEntry y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var byTime = x.WrittenAt.ToUnixTimeMilliseconds().CompareTo(y.WrittenAt.ToUnixTimeMilliseconds());
        if (byTime != 0)
        {
            return byTime;
        }

        var byTenant = string.CompareOrdinal(x.Tenant.Value, y.Tenant.Value);
        return byTenant != 0 ? byTenant : string.CompareOrdinal(x.SaleId, y.SaleId);
    }
}

/// <summary>Where a feed read starts: at <see cref="Since"/> (inclusive), after <see cref="After"/> when paging on.</summary>
public sealed record SalesFeedCursor(DateTimeOffset Since, SalesFeedEntry? After = null);
