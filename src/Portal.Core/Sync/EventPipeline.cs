using Portal.Core.Images;
using Portal.Core.Sales;
using Portal.Core.Sync.Stages;

namespace Portal.Core.Sync;

/// <summary>
/// The sync pipeline, one for every transport: it only sequences its stages — intake (parse, validate, tenant checks),
/// claim (idempotency), photo, transition (the product state machine, parking out-of-order events), sale (through
/// <see cref="SalesWriter"/>), then the claim stage stores the outcomes. It works on micro-batches: the claims, the state
/// transitions, the sales and the stored outcomes of a batch are one transaction each (group commit), falling back to one
/// event at a time, each with its retries, when a group write fails, so one bad event never takes its neighbours down.
/// Photos named by URL are fetched before a submission is queued (<see cref="PrefetchPhotosAsync"/>), so the ordered path
/// never waits on an image host; a parked sold event keeps the photo it resolved and never fetches it again.
/// </summary>
/// <remarks>
/// Crash safety: the state row records the event that last moved it, so an event whose state was written but whose sale
/// was not is a <see cref="TransitionKind.Replay"/> when it comes back (its idempotency claim lapses after the lease) and
/// the sale write — idempotent by sale id — completes it. The lake is written from the outbox by <see cref="LakeWriter"/>.
/// </remarks>
public sealed class EventPipeline(IntakeStage intake, ClaimStage claim, PhotoStage photo, TransitionStage transition, ParkStage park, SaleStage sale)
{
    public async Task<IReadOnlyList<EventSubmissionResult>> ProcessAsync(IReadOnlyList<SubmissionRequest> submissions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var reads = new SubmissionRead[submissions.Count];
        for (var s = 0; s < submissions.Count; s++)
        {
            reads[s] = await intake.ReadAsync(s, submissions[s], cancellationToken);
        }

        var work = reads.SelectMany(r => r.Work).ToList();
        await intake.CheckTenantsAsync(work, cancellationToken);

        var started = new List<SyncWorkItem>();
        var waiting = new List<SyncWorkItem>();
        await claim.ClaimAsync([.. work.Where(w => w.Outcome is null)], started, waiting, cancellationToken);

        await ApplyAsync(started, cancellationToken);
        await claim.StoreOutcomesAsync(started, cancellationToken);
        // Duplicates of an event claimed earlier in this batch (or by another worker) wait for its outcome, bounded by the lease.
        await Task.WhenAll(waiting.Select(item => WaitForFirstDeliveryAsync(item, cancellationToken)));
        await claim.StoreOutcomesAsync(waiting, cancellationToken);

        var results = reads.Select(ResultOf).ToList();
        await RetryParkedAfterPredecessorsAsync(started.Concat(waiting), cancellationToken);
        return results;
    }

    /// <summary>
    /// Fetches, stores and embeds the photos the submission's valid sold events name by URL (tenant permitted and known),
    /// through the bounded <see cref="ISalePhotoFetcher"/>, and returns the submission carrying them. The submitter
    /// calls this before queueing, so a slow image host holds up its own submission only, never the consumer and everything
    /// behind it.
    /// </summary>
    public async Task<SubmissionRequest> PrefetchPhotosAsync(SubmissionRequest submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var wanted = await intake.PhotosToPrefetchAsync(submission, cancellationToken);
        return wanted.Count == 0 ? submission : await photo.PrefetchAsync(submission, wanted, cancellationToken);
    }

    /// <summary>Retries every parked event (oldest first): applies the ones whose predecessor arrived, dead-letters the expired.</summary>
    public async Task<int> RetryAllParkedAsync(CancellationToken cancellationToken)
    {
        var all = await park.ListAllAsync(cancellationToken);
        var applied = await RetryParkedAsync(all, cancellationToken);
        await park.RefreshCountAsync(cancellationToken);
        return applied;
    }

    /// <summary>Photo, state transition, sale (outbox and index), for items the caller owns (claimed or parked).</summary>
    private async Task ApplyAsync(List<SyncWorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        await photo.ResolveAsync(items, cancellationToken);
        var sales = await transition.ApplyAsync([.. items.Where(i => i.Outcome is null)], cancellationToken);
        await sale.WriteAsync(sales, cancellationToken);
    }

    private async Task WaitForFirstDeliveryAsync(SyncWorkItem item, CancellationToken cancellationToken)
    {
        if (await claim.WaitForFirstDeliveryAsync(item, cancellationToken))
        {
            await ApplyAsync([item], cancellationToken);
            await claim.StoreOutcomesAsync([item], cancellationToken);
        }
    }

    private async Task RetryParkedAfterPredecessorsAsync(IEnumerable<SyncWorkItem> handled, CancellationToken cancellationToken)
    {
        var waiting = await park.WaitingForAsync(handled, cancellationToken);
        if (waiting.Count > 0)
        {
            await RetryParkedAsync(waiting, cancellationToken);
            await park.RefreshCountAsync(cancellationToken);
        }
    }

    private async Task<int> RetryParkedAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken)
    {
        var (live, expired) = await park.ReviveAsync(events, cancellationToken);
        await ApplyAsync(live, cancellationToken);
        await claim.StoreOutcomesAsync(live.Concat(expired), cancellationToken);
        return await park.RemoveSettledAsync(live, cancellationToken);
    }

    private static EventSubmissionResult ResultOf(SubmissionRead read)
    {
        if (read.BatchErrors is { } errors)
        {
            return new EventSubmissionResult([], errors);
        }

        foreach (var item in read.Work)
        {
            read.Outcomes[item.Index] = item.Outcome;
        }

        return new EventSubmissionResult([.. read.Outcomes.Select((o, i) => o ?? new EventOutcome(i, null, EventOutcomeStatus.Failed, [new(EventError.Document, "No outcome.")]))], []);
    }
}
