using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// Idempotency: claims a micro-batch's keys in one transaction, answers duplicates with their stored outcome, lets a
/// concurrent duplicate wait for the first delivery (bounded by the lease), and stores the outcomes after the effects.
/// </summary>
public sealed partial class ClaimStage(
    IIdempotencyStore idempotency,
    EventOutcomes outcomes,
    SyncRetry retry,
    SyncMonitor monitor,
    IOptions<SyncOptions> options,
    TimeProvider timeProvider,
    ILogger<ClaimStage> logger)
{
    private static readonly JsonSerializerOptions OutcomeJson = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan MaxWaitDelay = TimeSpan.FromMilliseconds(500);

    private readonly SyncOptions _options = options.Value;

    /// <summary>Claims the items' keys: the caller owns <paramref name="started"/>; <paramref name="waiting"/> are held by another delivery.</summary>
    internal async Task ClaimAsync(List<SyncWorkItem> items, List<SyncWorkItem> started, List<SyncWorkItem> waiting, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        IReadOnlyList<IdempotencyClaim> claims;
        try
        {
            // One transaction for the micro-batch's claims.
            claims = await retry.RunAsync(() => idempotency.TryBeginManyAsync([.. items.Select(i => (i.Key, i.PayloadSha256))], _options.IdempotencyLease, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var item in items)
            {
                await outcomes.FailAsync(item, ex, release: false, cancellationToken);
            }

            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            switch (claims[i].Kind)
            {
                case IdempotencyClaimKind.Started:
                    started.Add(item);
                    break;
                case IdempotencyClaimKind.InProgress:
                    waiting.Add(item);
                    break;
                case IdempotencyClaimKind.Completed:
                    Duplicate(item, claims[i].StoredOutcome);
                    break;
                case IdempotencyClaimKind.PayloadMismatch:
                    await outcomes.RejectAsync(item, DeadLetterCategory.PayloadMismatch, EventError.Document,
                        $"event {item.Event.Id} was received before with a different payload (idempotency key {item.Key.Value}).", complete: false, cancellationToken);
                    break;
            }
        }
    }

    /// <summary>
    /// Waits for the delivery that holds the item's key: settles the item as a duplicate (or a mismatch, or a failure past
    /// the lease), or returns true when the first delivery gave the key up and this one now owns it.
    /// </summary>
    internal async Task<bool> WaitForFirstDeliveryAsync(SyncWorkItem item, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + _options.IdempotencyLease + TimeSpan.FromSeconds(1);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            IdempotencyClaim claim;
            try
            {
                claim = await idempotency.TryBeginAsync(item.Key, item.PayloadSha256, _options.IdempotencyLease, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await outcomes.FailAsync(item, ex, release: false, cancellationToken);
                return false;
            }

            if (claim.Kind != IdempotencyClaimKind.InProgress)
            {
                return await SettleWaitedAsync(item, claim, cancellationToken);
            }

            if (timeProvider.GetUtcNow() >= deadline)
            {
                await outcomes.FailAsync(item, new TimeoutException($"event {item.Event.Id} stayed in progress for longer than the lease."), release: false, cancellationToken);
                return false;
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxWaitDelay.Ticks));
        }
    }

    /// <summary>Stores the outcomes of the items marked for it, in one transaction, after their effects are written.</summary>
    internal async Task StoreOutcomesAsync(IEnumerable<SyncWorkItem> items, CancellationToken cancellationToken)
    {
        var pending = items.Where(i => i.CompletionPending).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var completions = pending.Select(i => (i.Key, JsonSerializer.Serialize(new StoredOutcome(i.Outcome!.Status.ToString(), i.Outcome.Reasons), OutcomeJson))).ToList();
        try
        {
            var completed = await retry.RunAsync(() => idempotency.CompleteManyAsync(completions, cancellationToken), cancellationToken);
            for (var i = 0; i < pending.Count; i++)
            {
                pending[i].CompletionPending = false;
                if (!completed[i])
                {
                    // Released or expired meanwhile (a parked event applied much later): the effect is recorded, only the stored outcome is lost.
                    LogCompleteFailed(logger, pending[i].Key.Value, null);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The effects are written; the claims lapse after their lease and a redelivery replays harmlessly.
            LogCompleteFailed(logger, string.Join(", ", pending.Take(5).Select(p => p.Key.Value)), ex);
        }
    }

    private async Task<bool> SettleWaitedAsync(SyncWorkItem item, IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        switch (claim.Kind)
        {
            case IdempotencyClaimKind.Completed:
                Duplicate(item, claim.StoredOutcome);
                return false;
            case IdempotencyClaimKind.PayloadMismatch:
                await outcomes.RejectAsync(item, DeadLetterCategory.PayloadMismatch, EventError.Document,
                    $"event {item.Event.Id} was received before with a different payload.", complete: false, cancellationToken);
                return false;
            default:
                // The first delivery failed and released the key (or its lease lapsed): this one runs the handler.
                return claim.Kind == IdempotencyClaimKind.Started;
        }
    }

    private void Duplicate(SyncWorkItem item, string? storedOutcome)
    {
        var stored = ReadStoredStatus(storedOutcome);
        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Duplicate,
            [new(EventError.Document, $"already handled; stored outcome: {stored}.")]);
        monitor.RecordIdempotencyHit(item.Tenant);
        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Duplicate);
    }

    private static string ReadStoredStatus(string? storedOutcome)
    {
        if (string.IsNullOrEmpty(storedOutcome))
        {
            return "unknown";
        }

        try
        {
            return JsonSerializer.Deserialize<StoredOutcome>(storedOutcome, OutcomeJson)?.Status ?? "unknown";
        }
        catch (JsonException)
        {
            return "unknown";
        }
    }

    private sealed record StoredOutcome(string Status, IReadOnlyList<EventError> Reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing the outcome of idempotency key {Key} failed")]
    private static partial void LogCompleteFailed(ILogger logger, string key, Exception? exception);
}
