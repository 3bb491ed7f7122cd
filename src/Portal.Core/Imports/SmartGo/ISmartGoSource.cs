namespace Portal.Core.Imports.SmartGo;

/// <summary>The SmartGo sales table, read in <c>(sold_at, sale_id)</c> order after a watermark.</summary>
public interface ISmartGoSource : IAsyncDisposable
{
    /// <summary>How many rows lie after <paramref name="after"/> (all rows when null): the run's total for progress.</summary>
    Task<long> CountAfterAsync(SmartGoWatermark? after, CancellationToken cancellationToken);

    /// <summary>The next <paramref name="limit"/> rows after <paramref name="after"/>, in <c>(sold_at, sale_id)</c> order.</summary>
    Task<IReadOnlyList<SmartGoSaleRow>> ReadBatchAsync(SmartGoWatermark? after, int limit, CancellationToken cancellationToken);
}

/// <summary>Opens the source a run reads (one per run, with that run's connection settings).</summary>
public delegate ISmartGoSource SmartGoSourceFactory(string connectionString, TimeSpan commandTimeout);
