
namespace Portal.Core.Sales;

/// <summary>The analytics lake (<c>sales_history</c>): Parquet under <c>tenant_id=…/year=…/month=…/</c>, written in batches.</summary>
public interface ISalesLake
{
    /// <summary>Appends a batch of sales as new Parquet files (one per partition touched); returns the files written.</summary>
    Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch under file names derived from <paramref name="batchName"/> (one file per partition touched), each
    /// atomically: writing the same batch again replaces its files, so a retried batch never doubles rows.
    /// </summary>
    Task<IReadOnlyList<string>> WriteBatchAsync(string batchName, IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken);
}

public sealed record LakeRow(SaleRecord Sale, StoredEmbedding? Embedding);
