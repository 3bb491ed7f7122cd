using Portal.Core.Jobs;
using Portal.Core.Sales;

namespace Portal.Core.Validation;

public enum ValidationRunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One lake partition: a tenant's sales sold in one calendar month (UTC).</summary>
public readonly record struct SalesPartition(TenantId Tenant, int Year, int Month)
{
    public override string ToString() => $"{Tenant.Value}/{Year:D4}-{Month:D2}";
}

/// <summary>Live row counts of one partition in the store and in the lake, and how far apart they are.</summary>
public sealed record PartitionCounts(SalesPartition Partition, long StoreCount, long LakeCount, double VariancePercent, bool OverThreshold)
{
    /// <summary>|store − lake| as a percentage of the store count (100 % when the store has none but the lake has some).</summary>
    public static double Variance(long storeCount, long lakeCount) =>
        storeCount == 0 ? (lakeCount == 0 ? 0d : 100d) : Math.Abs(storeCount - lakeCount) * 100d / storeCount;
}

public enum ValidationFindingKind
{
    MissingEmbedding,
    WrongEmbeddingDimension,
    UnknownEmbeddingModel,
    NonFiniteEmbedding,
    ZeroNormEmbedding,
    MixedEmbeddingModels,
    NonPositivePrice,
    PriceOutlier,
    MixedCurrencies,
    DuplicateLakeRows,
}

/// <summary>A data-quality problem found in one partition: how many rows, a few example sale ids, and a short explanation.</summary>
public sealed record ValidationFinding(ValidationFindingKind Kind, SalesPartition Partition, long Count, IReadOnlyList<string> Examples, string Detail);

/// <summary>A whole validation run as persisted: what was compared, what was found, and which alerts were raised.</summary>
public sealed record ValidationRun
{
    public required Guid RunId { get; init; }
    public required string Trigger { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required ValidationRunStatus Status { get; init; }
    /// <summary>The variance threshold (percent) the run applied.</summary>
    public required double VarianceThresholdPercent { get; init; }
    public IReadOnlyList<PartitionCounts> Partitions { get; init; } = [];
    public IReadOnlyList<ValidationFinding> Findings { get; init; } = [];
    public IReadOnlyList<Alert> Alerts { get; init; } = [];
    public string? Error { get; init; }

    public TimeSpan? Duration => FinishedAt - StartedAt;
}

/// <summary>One line of the runs list; the counts cover only the partitions the reader may see.</summary>
public sealed record ValidationRunSummary(
    Guid RunId, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, ValidationRunStatus Status,
    int PartitionCount, int OverThresholdCount, long FindingCount, int AlertCount)
{
    public TimeSpan? Duration => FinishedAt - StartedAt;
}
