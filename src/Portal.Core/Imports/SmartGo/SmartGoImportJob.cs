using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Imports.SmartGo;

/// <summary>
/// The SmartGo nightly import (<c>smartgo-import</c>): sales after the watermark, batch by batch in <c>(sold_at, sale_id)</c>
/// order; each row checked, its photo resolved (fetched, stored, embedded or its embedding reused), the good ones written
/// through <see cref="SalesWriter"/> (store, lake, index), then the watermark moved past the batch. A bad row or a bad
/// photo is skipped and counted with its reason. A batch is the unit of work: once its write begins it is not cancelled,
/// so a stop lands between batches; a crash inside one re-reads it next run and the store's idempotency (tenant + sale id)
/// keeps it from being doubled.
/// </summary>
public sealed partial class SmartGoImportJob(
    IOptions<SmartGoOptions> options,
    IOptions<PriceLimits> priceLimits,
    ISalesStore store,
    SalesWriter writer,
    ISaleImageResolver images,
    IJobWatermarkStore watermarks,
    SmartGoSourceFactory openSource,
    TimeProvider time,
    ILogger<SmartGoImportJob> logger) : IPortalJob
{
    public const string JobName = "smartgo-import";
    private const int LoggedSkipsPerRun = 20;

    public string Name => JobName;

    public string DisplayName => "SmartGo import";

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                "SmartGo:ConnectionString is not set: give it the read replica's connection string from the environment (SmartGo__ConnectionString) or a secret store.");
        }

        var knownTenants = new HashSet<TenantId>(await store.GetTenantsAsync(cancellationToken));
        foreach (var configured in settings.Tenants)
        {
            knownTenants.Add(new TenantId(configured));
        }

        var stored = await watermarks.GetAsync(JobName, cancellationToken);
        var position = stored is null ? null : SmartGoWatermark.Parse(stored);
        await using var source = openSource(settings.ConnectionString, settings.CommandTimeout);
        var tally = new ImportTally(await source.CountAfterAsync(position, cancellationToken));
        context.Progress.Report(new JobProgress(0, tally.Total, position is null ? "Starting from the beginning" : $"Resuming after {position.SoldAt:yyyy-MM-dd HH:mm:ss} UTC"));
        LogStarted(logger, context.RunId, tally.Total, stored ?? "(none)");

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = await source.ReadBatchAsync(position, settings.BatchSize, cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            var batch = await PrepareAsync(rows, knownTenants, settings, tally, cancellationToken);
            // Not cancellable from here to the watermark: the batch lands whole, in store, lake and index, or not at all.
            var added = batch.Count > 0 ? await writer.WriteAsync(batch, CancellationToken.None) : 0;
            position = new SmartGoWatermark(rows[^1].SoldAt, rows[^1].SaleId);
            await watermarks.SetAsync(JobName, position.Format(), CancellationToken.None);

            tally.Read += rows.Count;
            tally.Imported += added;
            tally.AlreadyPresent += batch.Count - added;
            context.Progress.Report(new JobProgress(tally.Read, Math.Max(tally.Total, tally.Read), tally.ProgressMessage()));
            if (rows.Count < settings.BatchSize)
            {
                break;
            }
        }

        var summary = tally.Summary();
        LogFinished(logger, context.RunId, summary);
        return new JobResult(true, summary);
    }

    private async Task<List<(SaleRecord Sale, StoredEmbedding? Embedding)>> PrepareAsync(
        IReadOnlyList<SmartGoSaleRow> rows, IReadOnlySet<TenantId> knownTenants, SmartGoOptions settings, ImportTally tally, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var prepared = new (SaleRecord Sale, StoredEmbedding? Embedding)?[rows.Count];
        var seenInBatch = new HashSet<(TenantId, string)>();
        var toResolve = new List<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var reason = SmartGoRowMapper.TryMap(rows[i], knownTenants, priceLimits.Value, now, out var sale);
            if (reason is not null)
            {
                Skip(tally, rows[i], reason);
                continue;
            }

            if (!seenInBatch.Add((sale!.Tenant, sale.SaleId)))
            {
                Skip(tally, rows[i], "duplicate sale id");
                continue;
            }

            prepared[i] = (sale, null);
            if (rows[i].ImageKey is not null || rows[i].ImageUrl is not null)
            {
                toResolve.Add(i);
            }
            else
            {
                tally.WithoutPhoto++;
            }
        }

        await Parallel.ForEachAsync(toResolve, new ParallelOptions { MaxDegreeOfParallelism = settings.ImageConcurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var (sale, _) = prepared[i]!.Value;
                var resolved = await ResolveWithRetriesAsync(sale.Tenant, rows[i], settings, token);
                prepared[i] = resolved is null ? null : (sale with { ImageKey = resolved.ImageKey }, resolved.Embedding);
            });

        var batch = new List<(SaleRecord Sale, StoredEmbedding? Embedding)>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            if (prepared[i] is { } item)
            {
                batch.Add(item);
            }
            else if (toResolve.Contains(i))
            {
                Skip(tally, rows[i], "image unavailable");
            }
        }

        return batch;
    }

    /// <summary>The resolved photo, or null when it is permanently unusable; a failure that may pass is retried, then fails the run.</summary>
    private async Task<ResolvedSaleImage?> ResolveWithRetriesAsync(TenantId tenant, SmartGoSaleRow row, SmartGoOptions settings, CancellationToken cancellationToken)
    {
        var delay = settings.ImageRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await images.ResolveAsync(tenant, row.ImageKey, row.ImageUrl, cancellationToken);
            }
            catch (SaleImageUnavailableException ex) when (!ex.IsRetryable)
            {
                LogImageSkipped(logger, row.SaleId, ex.Message);
                return null;
            }
            catch (SaleImageUnavailableException ex) when (attempt >= settings.ImageRetries)
            {
                throw new InvalidOperationException(
                    $"The photo of SmartGo sale '{row.SaleId}' could not be had after {attempt + 1} attempts ({ex.Message}); the batch is retried next run.", ex);
            }
            catch (SaleImageUnavailableException)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
        }
    }

    private void Skip(ImportTally tally, SmartGoSaleRow row, string reason)
    {
        tally.Skip(reason);
        if (tally.Skipped <= LoggedSkipsPerRun)
        {
            LogRowSkipped(logger, row.SaleId, reason);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "SmartGo import run {RunId}: {Total} rows after watermark {Watermark}")]
    private static partial void LogStarted(ILogger logger, Guid runId, long total, string watermark);

    [LoggerMessage(2, LogLevel.Information, "SmartGo import run {RunId} finished: {Summary}")]
    private static partial void LogFinished(ILogger logger, Guid runId, string summary);

    [LoggerMessage(3, LogLevel.Warning, "SmartGo sale {SaleId} skipped: {Reason}")]
    private static partial void LogRowSkipped(ILogger logger, string saleId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Photo of SmartGo sale {SaleId} is unusable: {Reason}")]
    private static partial void LogImageSkipped(ILogger logger, string saleId, string reason);

    private sealed class ImportTally(long total)
    {
        private readonly Dictionary<string, long> _skips = new(StringComparer.Ordinal);

        public long Total { get; } = total;
        public long Read { get; set; }
        public long Imported { get; set; }
        public long AlreadyPresent { get; set; }
        public long WithoutPhoto { get; set; }
        public long Skipped { get; private set; }

        public void Skip(string reason)
        {
            _skips[reason] = _skips.GetValueOrDefault(reason) + 1;
            Skipped++;
        }

        public string ProgressMessage() =>
            string.Create(CultureInfo.InvariantCulture, $"{Imported:N0} imported, {AlreadyPresent:N0} already present, {Skipped:N0} skipped");

        public string Summary()
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"Read {Read:N0} rows: imported {Imported:N0} ({WithoutPhoto:N0} without a photo), {AlreadyPresent:N0} already present, skipped {Skipped:N0}");
            return _skips.Count == 0 ? text + "."
                : text + ": " + string.Join("; ", _skips.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:N0}"))) + ".";
        }
    }
}
