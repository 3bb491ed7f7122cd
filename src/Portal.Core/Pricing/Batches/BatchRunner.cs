using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// Prices a batch's pending rows through <see cref="PricingService"/> (the same checks, caches and work limiter as the
/// workbench), <see cref="BatchOptions.Parallelism"/> at a time, under a lease renewed while it works. Each outcome is
/// stored as it lands, so the progress moves row by row and a stop loses at most the rows in flight, which the next
/// host prices again. A busy limiter is waited out, never turned into a failed row.
/// </summary>
public sealed partial class BatchRunner(
    IPricingBatchStore store,
    IImageStore images,
    PricingService pricing,
    IOptions<BatchOptions> options,
    TimeProvider time,
    ILogger<BatchRunner> logger)
{
    /// <summary>This runner's name on a lease: unique per process.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Prices what is pending and completes the batch; false when another host holds it.</summary>
    public async Task<bool> RunAsync(TenantId tenant, string batchId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!await LeaseAsync(tenant, batchId, settings, cancellationToken))
        {
            return false;
        }

        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewWhileRunningAsync(tenant, batchId, settings, lost);
        try
        {
            var pending = (await store.GetRowsAsync(tenant, batchId, lost.Token)).Where(r => r.Status == BatchRowStatus.Pending).ToList();
            LogStarted(logger, batchId, tenant.Value, pending.Count);
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = lost.Token },
                async (row, ct) => await store.SaveOutcomeAsync(tenant, batchId, await PriceRowAsync(tenant, row, ct), ct));
            await store.CompleteAsync(tenant, batchId, time.GetUtcNow(), lost.Token);
            LogCompleted(logger, batchId, tenant.Value);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: give the batch back at once so the next host need not wait for the lease to run out.
            await store.ReleaseAsync(tenant, batchId, Owner, CancellationToken.None);
            throw;
        }
        finally
        {
            await lost.CancelAsync();
            await renewal;
        }
    }

    private Task<bool> LeaseAsync(TenantId tenant, string batchId, BatchOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return store.TryLeaseAsync(tenant, batchId, Owner, now, now + settings.LeaseDuration, cancellationToken);
    }

    /// <summary>Renews the lease every third of its duration; a lost lease stops this run (another host took over).</summary>
    private async Task RenewWhileRunningAsync(TenantId tenant, string batchId, BatchOptions settings, CancellationTokenSource run)
    {
        try
        {
            while (!run.IsCancellationRequested)
            {
                await Task.Delay(settings.LeaseDuration / 3, time, run.Token);
                if (!await LeaseAsync(tenant, batchId, settings, run.Token))
                {
                    LogLeaseLost(logger, batchId);
                    await run.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async Task<BatchRowOutcome> PriceRowAsync(TenantId tenant, BatchRow row, CancellationToken cancellationToken)
    {
        if (row.ImageKey is not { } key || await images.OpenAsync(key, cancellationToken) is not { } stored)
        {
            return new BatchRowOutcome(row.Line, BatchRowStatus.Invalid, "The photo is no longer in the image store.", null);
        }

        byte[] bytes;
        await using (stored.Content)
        {
            using var buffer = new MemoryStream();
            await stored.Content.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }

        var request = new PriceItemRequest
        {
            Tenant = tenant,
            Images = [bytes],
            Category = row.Category,
            Condition = row.Condition,
            Brand = row.Brand,
            Title = row.Title,
        };
        while (true)
        {
            switch (await pricing.PriceAsync(request, cancellationToken))
            {
                case PriceItemOutcome.Priced { Suggestion: var s }:
                    return new BatchRowOutcome(row.Line, BatchRowStatus.Priced, null, new BatchRowPrice(
                        s.Price, s.Range.Low, s.Range.High, s.Currency, s.Confidence, s.Fallback?.Kind, s.Comparables.Count, s.EmbeddingModel, time.GetUtcNow()));
                case PriceItemOutcome.CannotPrice cannot:
                    return new BatchRowOutcome(row.Line, BatchRowStatus.CannotPrice, cannot.Reason, null);
                case PriceItemOutcome.Busy busy:
                    // The analysts' own requests come first: wait for the limiter rather than fail the row.
                    await Task.Delay(busy.RetryAfter, time, cancellationToken);
                    continue;
                case PriceItemOutcome.Invalid invalid:
                    return new BatchRowOutcome(row.Line, BatchRowStatus.Invalid, string.Join(" ", invalid.Errors.SelectMany(e => e.Value)), null);
                case PriceItemOutcome.TooLarge tooLarge:
                    return new BatchRowOutcome(row.Line, BatchRowStatus.Invalid, tooLarge.Detail, null);
                case PriceItemOutcome.NotAnImage notAnImage:
                    return new BatchRowOutcome(row.Line, BatchRowStatus.Invalid, notAnImage.Detail, null);
                case var other:
                    throw new InvalidOperationException($"Unknown pricing outcome {other.GetType().Name}.");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pricing batch {BatchId} of tenant {Tenant}: {Pending} rows pending.")]
    private static partial void LogStarted(ILogger logger, string batchId, string tenant, int pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} of tenant {Tenant} completed.")]
    private static partial void LogCompleted(ILogger logger, string batchId, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId}: the lease was lost to another host; this run stops.")]
    private static partial void LogLeaseLost(ILogger logger, string batchId);
}
