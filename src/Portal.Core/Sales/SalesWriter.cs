using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Sales;

/// <summary>
/// The one way a sale is written, for every writer (the sync pipeline, import, the demo seeder, SmartGo): the sales and
/// their outbox rows in one transaction (idempotent by sale id), then — unless the caller leaves it to the background
/// <see cref="LakeWriter"/> — the outbox drained into the lake, then the in-memory index. Re-running with the same sales
/// adds nothing, so a caller may retry a whole write; a crash after the store write leaves outbox rows the lake writer
/// drains later.
/// </summary>
public sealed class SalesWriter(ISalesOutbox outbox, LakeWriter lakeWriter, ISalesIndex index)
{
    public Task<int> WriteAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync([.. batch.Select(b => new SaleWithPhotos(b.Sale, b.Embedding))], cancellationToken);
    }

    /// <summary>As the one-photo overload, with each sale's further photos stored with it and searchable in the index.</summary>
    public Task<int> WriteAsync(IReadOnlyList<SaleWithPhotos> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, LakeHandoff.DrainNow, cancellationToken);

    /// <summary>Writes the batch (one transaction) and indexes it; <paramref name="lake"/> says whether the lake is written before returning.</summary>
    /// <returns>How many of the sales were new.</returns>
    public async Task<int> WriteAsync(IReadOnlyList<SaleWithPhotos> batch, LakeHandoff lake, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var added = await outbox.AddSalesWithPhotosAsync(batch, cancellationToken);

        if (lake == LakeHandoff.DrainNow)
        {
            // Importers and the seeder expect the lake to hold their rows when the call returns.
            await lakeWriter.DrainAsync(force: true, cancellationToken);
        }

        // The index ignores sale ids it already holds, so adding the whole batch is safe after a crash mid-way.
        foreach (var sale in batch)
        {
            index.Add(sale);
        }

        return added.Count(a => a);
    }
}

/// <summary>How a <see cref="SalesWriter"/> write reaches the lake.</summary>
public enum LakeHandoff
{
    /// <summary>Drain the outbox into the lake before returning (importers and the seeder read the lake right after).</summary>
    DrainNow,

    /// <summary>
    /// Leave the outbox rows to the background <see cref="LakeWriter"/>, which batches them into few Parquet files: the sync
    /// pipeline's micro-batches must not wait on the lake or write a file each.
    /// </summary>
    Background,
}
