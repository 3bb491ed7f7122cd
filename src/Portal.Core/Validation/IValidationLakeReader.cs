using Portal.Core.Validation;

namespace Portal.Core.Validation;

/// <summary>Reads <c>sales_history</c> for validation and repair (DuckDB over local Parquet embedded, Athena in production).</summary>
public interface IValidationLakeReader
{
    /// <summary>Rows per partition sold at or after <paramref name="liveFrom"/> (older rows have expired in the store).</summary>
    Task<IReadOnlyList<LakePartitionCount>> CountPartitionsAsync(DateTimeOffset liveFrom, CancellationToken cancellationToken);

    /// <summary>Every sale id present in a partition's files (whatever its age: a row that is there must not be written again).</summary>
    Task<HashSet<string>> SaleIdsAsync(SalesPartition partition, CancellationToken cancellationToken);
}

public sealed record LakePartitionCount(SalesPartition Partition, long Rows, long DistinctSales);
