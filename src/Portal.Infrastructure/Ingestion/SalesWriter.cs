using Portal.Pricing.Domain;
using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;

namespace Portal.Infrastructure.Ingestion;

/// <summary>
/// Writes sold items everywhere they belong: the store (idempotent by sale id), then the lake for the ones that were new,
/// then the in-memory index. Re-running with the same sales adds nothing.
/// </summary>
public sealed class SalesWriter(ISalesStore store, ISalesLake lake, ISalesIndex index)
{
    public async Task<int> WriteAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> batch, CancellationToken cancellationToken)
    {
        var added = new List<LakeRow>(batch.Count);
        foreach (var (sale, embedding) in batch)
        {
            if (await store.AddSaleAsync(sale, embedding, cancellationToken))
            {
                added.Add(new LakeRow(sale, embedding));
            }
        }

        if (added.Count > 0)
        {
            await lake.AppendAsync(added, cancellationToken);
        }

        // The index ignores sale ids it already holds, so adding the whole batch is safe after a crash mid-way.
        foreach (var (sale, embedding) in batch)
        {
            index.Add(sale, embedding);
        }

        return added.Count;
    }
}
