using Portal.Core.Sales;
using Portal.Core.Validation;

namespace Portal.Core.Validation;

/// <summary>
/// Read-only access to the operational sales store for validation and repair (SQLite embedded, DynamoDB in production).
/// Every read applies the store's own liveness rule (<c>ttl &gt; now</c>).
/// </summary>
public interface IValidationStoreReader : IDisposable
{
    /// <summary>Live rows per (tenant, "yyyy-MM").</summary>
    Task<Dictionary<(string Tenant, string YearMonth), long>> CountPartitionsAsync(CancellationToken cancellationToken);

    /// <summary>Streams every live row once (no ordering: the validation aggregates per partition).</summary>
    Task ScanAsync(StoreScanRowHandler onRow, CancellationToken cancellationToken);

    /// <summary>The live sales of one partition with their embeddings, restricted to <paramref name="saleIds"/>.</summary>
    Task<List<(SaleRecord Sale, StoredEmbedding? Embedding)>> ReadPartitionAsync(SalesPartition partition, IReadOnlySet<string> saleIds, CancellationToken cancellationToken);

    /// <summary>The live sale ids of one partition, leaving out sales still waiting in the outbox (the lake writer will write them).</summary>
    Task<List<string>> SaleIdsAsync(SalesPartition partition, CancellationToken cancellationToken);
}

/// <summary>One live row as the validation scan sees it; the embedding is the raw float32 little-endian bytes, checked in place.</summary>
public readonly ref struct StoreScanRow
{
    public required string Tenant { get; init; }
    public required string YearMonth { get; init; }
    public required string SaleId { get; init; }
    public required string Category { get; init; }
    public required double Price { get; init; }
    public required string Currency { get; init; }
    public required string? Model { get; init; }
    public required long Dimension { get; init; }
    public required ReadOnlySpan<byte> Embedding { get; init; }
    public required bool HasEmbedding { get; init; }
}

public delegate void StoreScanRowHandler(in StoreScanRow row);
