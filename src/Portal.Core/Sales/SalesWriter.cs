using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Sales;

/// <summary>
/// Writes sold items everywhere they belong, through the same outbox as the sync pipeline: the sales and their outbox rows
/// in one transaction (idempotent by sale id), then the outbox drained into the lake, then the in-memory index.
/// Re-running with the same sales adds nothing; a crash after the store write leaves outbox rows the lake writer drains later.
/// </summary>
public sealed class SalesWriter(ISalesOutbox outbox, LakeWriter lakeWriter, ISalesIndex index)
{
    public Task<int> WriteAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync([.. batch.Select(b => new SaleWithPhotos(b.Sale, b.Embedding))], cancellationToken);
    }

    /// <summary>As the one-photo overload, with each sale's further photos stored with it and searchable in the index.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<SaleWithPhotos> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var added = await outbox.AddSalesWithPhotosAsync(batch, cancellationToken);

        // Importers and the seeder expect the lake to hold their rows when the call returns.
        await lakeWriter.DrainAsync(force: true, cancellationToken);

        // The index ignores sale ids it already holds, so adding the whole batch is safe after a crash mid-way.
        foreach (var sale in batch)
        {
            index.Add(sale);
        }

        return added.Count(a => a);
    }
}
