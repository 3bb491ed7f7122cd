using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Sales;
using Portal.Core.Validation;

namespace Portal.Core.Validation;

/// <summary>
/// Re-writes a partition's missing lake rows from the store. The missing set is always recomputed (store live ids minus the ids
/// already in the partition's files), and repairs run one at a time, so an apply never doubles a row, even when repeated.
/// </summary>
public sealed partial class LakeRepairer : ILakeRepairer, IDisposable
{
    private const int AppendBatchSize = 50_000;

    private readonly IValidationLakeReader _lakeReader;
    private readonly ISalesLake _lake;
    private readonly IValidationReportStore _reports;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IValidationStoreReader _store;
    // Disposed here only when the caller handed it over (the embedded factory); an injected reader belongs to the container.
    private readonly bool _ownsStore;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="ownsStore">True when this repairer disposes <paramref name="store"/> with itself.</param>
    public LakeRepairer(IValidationStoreReader store, IValidationLakeReader lakeReader, ISalesLake lake, IValidationReportStore reports, TimeProvider timeProvider, ILogger<LakeRepairer>? logger = null, bool ownsStore = false)
    {
        _ownsStore = ownsStore;
        _store = store;
        _lakeReader = lakeReader;
        _lake = lake;
        _reports = reports;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Task<LakeRepairResult> DryRunAsync(SalesPartition partition, string actor, Guid? runId, CancellationToken cancellationToken) =>
        RepairAsync(partition, actor, runId, dryRun: true, cancellationToken);

    public Task<LakeRepairResult> ApplyAsync(SalesPartition partition, string actor, Guid? runId, CancellationToken cancellationToken) =>
        RepairAsync(partition, actor, runId, dryRun: false, cancellationToken);

    private async Task<LakeRepairResult> RepairAsync(SalesPartition partition, string actor, Guid? runId, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (partition.Tenant.Value is null)
        {
            throw new ArgumentException("The partition has no tenant.", nameof(partition));
        }

        if (partition.Year is < 1970 or > 9999 || partition.Month is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition.ToString(), "Year must be 1970-9999 and month 1-12.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var inLake = await _lakeReader.SaleIdsAsync(partition, cancellationToken);
            var missing = (await _store.SaleIdsAsync(partition, cancellationToken)).Where(id => !inLake.Contains(id)).ToList();
            var written = 0;
            if (!dryRun && missing.Count > 0)
            {
                var rows = await _store.ReadPartitionAsync(partition, missing.ToHashSet(StringComparer.Ordinal), cancellationToken);
                foreach (var batch in rows.Chunk(AppendBatchSize))
                {
                    await _lake.AppendAsync(batch.Select(r => new LakeRow(r.Sale, r.Embedding)).ToList(), cancellationToken);
                    written += batch.Length;
                }
            }

            await _reports.AddRepairAuditAsync(
                new LakeRepairAudit(Guid.NewGuid(), runId, partition, actor, _timeProvider.GetUtcNow(), dryRun, missing.Count, written),
                CancellationToken.None);
            LogRepair(_logger, dryRun ? "dry run" : "apply", partition.ToString(), actor, missing.Count, written);
            return new LakeRepairResult(partition, dryRun, missing, written);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        if (_ownsStore)
        {
            _store.Dispose();
        }

        _gate.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Lake repair ({Mode}) of {Partition} by {Actor}: {Missing} missing, {Written} written")]
    private static partial void LogRepair(ILogger logger, string mode, string partition, string actor, int missing, int written);
}
