using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>A batch as stored: who uploaded it, where it stands, and which host is pricing it (its lease).</summary>
public sealed record PricingBatch
{
    public required string BatchId { get; init; }
    public required TenantId Tenant { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A name for people: the CSV's or the first photo's file name.</summary>
    public required string Name { get; init; }

    public required BatchStatus Status { get; init; }
    public required int TotalRows { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
}

public enum BatchStatus
{
    /// <summary>Stored, not yet (or no longer) claimed by a host.</summary>
    Queued,

    /// <summary>A host is pricing its pending rows.</summary>
    Running,

    /// <summary>Every row has an outcome.</summary>
    Completed,
}

/// <summary>How many rows stand where; <see cref="Done"/> over <see cref="Total"/> is the progress.</summary>
public sealed record BatchCounts(int Total, int Pending, int Priced, int CannotPrice, int Invalid, int Decided)
{
    public int Done => Total - Pending;

    public static BatchCounts Of(IReadOnlyCollection<BatchRow> rows) => new(
        rows.Count,
        rows.Count(r => r.Status == BatchRowStatus.Pending),
        rows.Count(r => r.Status == BatchRowStatus.Priced),
        rows.Count(r => r.Status == BatchRowStatus.CannotPrice),
        rows.Count(r => r.Status == BatchRowStatus.Invalid),
        rows.Count(r => r.DecisionId is not null));
}
