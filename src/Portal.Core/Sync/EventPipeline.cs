using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>
/// The sync pipeline, one for every transport: parse and validate, tenant checks, idempotency, the product state machine,
/// the sold product's image, the sale and its outbox row in one transaction, the index. It works on micro-batches: the
/// state transitions of a batch are one transaction and its sales another (group commit), falling back to one event at a
/// time, each with its retries, when a group write fails, so one bad event never takes its neighbours down. Photos named by
/// URL are fetched before a submission is queued (<see cref="PrefetchPhotosAsync"/>), so the ordered path never waits on an
/// image host; a parked sold event keeps the photo it resolved and never fetches it again.
/// </summary>
/// <remarks>
/// Crash safety: the state row records the event that last moved it, so an event whose state was written but whose sale
/// was not is a <see cref="TransitionKind.Replay"/> when it comes back (its idempotency claim lapses after the lease) and
/// the sale write — idempotent by sale id — completes it. The lake is written from the outbox by <see cref="LakeWriter"/>.
/// </remarks>
public sealed partial class EventPipeline(
    IIdempotencyStore idempotency,
    ISalesOutbox outbox,
    IProductStateStore states,
    IParkedEventStore parked,
    IDeadLetterStore deadLetters,
    ISaleImageResolver images,
    ISalePhotoFetcher photos,
    ISalesIndex index,
    KnownTenants knownTenants,
    SyncMonitor monitor,
    FailureClassifier failures,
    IOptions<SyncOptions> options,
    IOptions<PriceLimits> priceLimits,
    TimeProvider timeProvider,
    ILogger<EventPipeline> logger)
{
    private const int MaxBatchPayloadChars = 64 * 1024;
    private const int MaxCachedImageKeys = 10_000;
    private static readonly JsonSerializerOptions OutcomeJson = new(JsonSerializerDefaults.Web);

    private readonly ProductEventValidator _validator = new(timeProvider, priceLimits.Value);
    private readonly SyncOptions _options = options.Value;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResolvedSaleImage> _resolvedKeys = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<EventSubmissionResult>> ProcessAsync(IReadOnlyList<SubmissionRequest> submissions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var results = new EventSubmissionResult[submissions.Count];
        var outcomes = new EventOutcome?[submissions.Count][];
        var work = new List<WorkItem>();
        for (var s = 0; s < submissions.Count; s++)
        {
            var batchErrors = await ReadSubmissionAsync(s, submissions[s], outcomes, work, cancellationToken);
            if (batchErrors is not null)
            {
                results[s] = new EventSubmissionResult([], batchErrors);
            }
        }

        await CheckTenantsAsync(work, cancellationToken);

        var started = new List<WorkItem>();
        var waiting = new List<WorkItem>();
        await ClaimAsync([.. work.Where(w => w.Outcome is null)], started, waiting, cancellationToken);

        await ApplyAsync(started, cancellationToken);
        await FlushCompletionsAsync(started, cancellationToken);
        // Duplicates of an event claimed earlier in this batch (or by another worker) wait for its outcome, bounded by the lease.
        await Task.WhenAll(waiting.Select(item => WaitForFirstDeliveryAsync(item, cancellationToken)));
        await FlushCompletionsAsync(waiting, cancellationToken);

        foreach (var item in work)
        {
            outcomes[item.Submission][item.Index] = item.Outcome;
        }

        for (var s = 0; s < submissions.Count; s++)
        {
            results[s] ??= new EventSubmissionResult([.. outcomes[s].Select((o, i) => o ?? new EventOutcome(i, null, EventOutcomeStatus.Failed, [new(EventError.Document, "No outcome.")]))], []);
        }

        await RetryParkedAfterPredecessorsAsync(started.Concat(waiting), cancellationToken);
        return results;
    }

    /// <summary>
    /// Fetches, stores and embeds the photos the submission's valid sold events name by URL (tenant permitted and known),
    /// through the bounded <see cref="ISalePhotoFetcher"/>, and returns the submission carrying them. The submitter calls this
    /// before queueing, so a slow image host holds up its own submission only, never the consumer and everything behind it.
    /// </summary>
    public async Task<SubmissionRequest> PrefetchPhotosAsync(SubmissionRequest submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var body = submission.Body.Span;
        // Most submissions name no photo URL; an escaped property name is read by the parser like any other.
        if (submission.Photos is not null || (body.IndexOf("imageUrl"u8) < 0 && body.IndexOf((byte)'\\') < 0))
        {
            return submission;
        }

        var batch = ProductEventParser.ParseBatch(body, _validator);
        var wanted = new HashSet<(TenantId Tenant, string Url)>();
        foreach (var productEvent in batch.IsBatchRejected ? [] : batch.Accepted)
        {
            if (productEvent.Type != ProductEventType.Sold || productEvent.Detail.ImageKey is not null || productEvent.Detail.ImageUrl is not { } url)
            {
                continue;
            }

            var tenant = new TenantId(productEvent.Detail.TenantId!);
            if ((submission.Origin.RestrictToTenant is { } allowed && allowed != tenant) || !await knownTenants.IsKnownAsync(tenant, cancellationToken))
            {
                continue;
            }

            wanted.Add((tenant, url));
        }

        if (wanted.Count == 0)
        {
            return submission;
        }

        var refs = wanted.ToList();
        var fetched = await Task.WhenAll(refs.Select(r => photos.FetchAsync(r.Tenant, r.Url, cancellationToken)));
        return submission with { Photos = refs.Zip(fetched).ToDictionary(p => p.First, p => p.Second) };
    }

    /// <summary>Retries every parked event (oldest first): applies the ones whose predecessor arrived, dead-letters the expired.</summary>
    public async Task<int> RetryAllParkedAsync(CancellationToken cancellationToken)
    {
        var all = await parked.ListAllAsync(10_000, cancellationToken);
        var applied = await RetryParkedAsync(all, cancellationToken);
        monitor.SetParked(await parked.CountAsync(cancellationToken));
        return applied;
    }

    private async Task<IReadOnlyList<EventError>?> ReadSubmissionAsync(int s, SubmissionRequest submission, EventOutcome?[][] outcomes, List<WorkItem> work, CancellationToken cancellationToken)
    {
        var origin = submission.Origin;
        var batch = ProductEventParser.ParseBatch(submission.Body.Span, _validator);
        if (batch.IsBatchRejected)
        {
            outcomes[s] = [];
            var text = Utf8Prefix(submission.Body.Span, MaxBatchPayloadChars);
            await DeadLetterAsync(origin.RestrictToTenant, null, null, DeadLetterCategory.Schema, Join(batch.BatchErrors), text, origin.Transport, 1, cancellationToken);
            monitor.Record(origin.RestrictToTenant, null, EventOutcomeStatus.Rejected);
            return batch.BatchErrors;
        }

        using var document = JsonDocument.Parse(submission.Body);
        var elements = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new List<JsonElement> { document.RootElement };
        outcomes[s] = new EventOutcome?[elements.Count];
        var rejected = batch.Rejected.ToDictionary(r => r.Index);
        var next = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            if (rejected.TryGetValue(i, out var rejection))
            {
                // A restricted caller's letters stay in its own tenant: it must not write into another tenant's dead letters.
                var tenant = origin.RestrictToTenant ?? TenantOf(element);
                var outcome = new EventOutcome(i, rejection.Id, EventOutcomeStatus.Rejected, rejection.Errors);
                outcomes[s][i] = outcome;
                await DeadLetterAsync(tenant, rejection.Id, DetailTypeOf(element), DeadLetterCategory.Schema, Join(rejection.Errors),
                    Utf8Prefix(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element), ProductEventLimits.MaxEventBytes), origin.Transport, 1, cancellationToken);
                monitor.Record(tenant, DetailTypeOf(element), EventOutcomeStatus.Rejected);
                continue;
            }

            var productEvent = batch.Accepted[next++];
            var eventTenant = new TenantId(productEvent.Detail.TenantId!);
            work.Add(new WorkItem
            {
                Submission = s,
                Index = i,
                Event = productEvent,
                Tenant = eventTenant,
                Origin = origin,
                Payload = element.GetRawText(),
                Key = new IdempotencyKey(eventTenant, productEvent.DetailType, productEvent.Id),
                PayloadSha256 = PayloadHash.Sha256OfCanonicalJson(element),
                Photo = productEvent.Detail.ImageUrl is { } url && submission.Photos?.TryGetValue((eventTenant, url), out var photo) == true ? photo : null,
            });
        }

        return null;
    }

    private async Task CheckTenantsAsync(List<WorkItem> work, CancellationToken cancellationToken)
    {
        foreach (var item in work)
        {
            if (item.Origin.RestrictToTenant is { } allowed && allowed != item.Tenant)
            {
                await RejectAsync(item, DeadLetterCategory.TenantNotPermitted, "detail.tenantId",
                    $"the caller may only publish events for tenant '{allowed.Value}'.", complete: false, cancellationToken);
            }
            else if (!await knownTenants.IsKnownAsync(item.Tenant, cancellationToken))
            {
                await RejectAsync(item, DeadLetterCategory.UnknownTenant, "detail.tenantId",
                    $"tenant '{item.Tenant.Value}' is not known to the portal.", complete: false, cancellationToken);
            }
        }
    }

    private async Task ClaimAsync(List<WorkItem> items, List<WorkItem> started, List<WorkItem> waiting, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        IReadOnlyList<IdempotencyClaim> claims;
        try
        {
            // One transaction for the micro-batch's claims.
            claims = await RetryAsync(() => idempotency.TryBeginManyAsync([.. items.Select(i => (i.Key, i.PayloadSha256))], _options.IdempotencyLease, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var item in items)
            {
                await FailAsync(item, ex, release: false, cancellationToken);
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
                    await RejectAsync(item, DeadLetterCategory.PayloadMismatch, EventError.Document,
                        $"event {item.Event.Id} was received before with a different payload (idempotency key {item.Key.Value}).", complete: false, cancellationToken);
                    break;
            }
        }
    }

    private async Task WaitForFirstDeliveryAsync(WorkItem item, CancellationToken cancellationToken)
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
                await FailAsync(item, ex, release: false, cancellationToken);
                return;
            }

            switch (claim.Kind)
            {
                case IdempotencyClaimKind.Completed:
                    Duplicate(item, claim.StoredOutcome);
                    return;
                case IdempotencyClaimKind.PayloadMismatch:
                    await RejectAsync(item, DeadLetterCategory.PayloadMismatch, EventError.Document,
                        $"event {item.Event.Id} was received before with a different payload.", complete: false, cancellationToken);
                    return;
                case IdempotencyClaimKind.Started:
                    // The first delivery failed and released the key (or its lease lapsed): this one runs the handler.
                    await ApplyAsync([item], cancellationToken);
                    await FlushCompletionsAsync([item], cancellationToken);
                    return;
            }

            if (timeProvider.GetUtcNow() >= deadline)
            {
                await FailAsync(item, new TimeoutException($"event {item.Event.Id} stayed in progress for longer than the lease."), release: false, cancellationToken);
                return;
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
        }
    }

    /// <summary>Image, state transition, sale + outbox, index, idempotency outcome, for items the caller owns (claimed or parked).</summary>
    private async Task ApplyAsync(List<WorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        // Photos in parallel (embedding is the slow step: ~50 ms a photo on one core), bounded by Sync:ImageConcurrency.
        await Parallel.ForEachAsync(
            items.Where(i => i.Event.Type == ProductEventType.Sold && (i.Event.Detail.ImageKey ?? i.Event.Detail.ImageUrl) is not null),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ImageConcurrency, CancellationToken = cancellationToken },
            async (item, token) => await ResolveImageAsync(item, token));

        var live = items.Where(i => i.Outcome is null).ToList();
        IReadOnlyList<TransitionDecision> decisions;
        try
        {
            decisions = await RetryAsync(() => states.ApplyAsync(
                [.. live.Select(i => new ProductTransitionRequest(i.Tenant, i.Event.Detail.ProductId!, i.Event.Type, i.Event.Id, i.Event.Time))], cancellationToken),
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var item in live)
            {
                await FailAsync(item, ex, release: true, cancellationToken);
            }

            return;
        }

        var sales = new List<WorkItem>();
        for (var i = 0; i < live.Count; i++)
        {
            var item = live[i];
            var decision = decisions[i];
            item.Decision = decision.Kind;
            switch (decision.Kind)
            {
                case TransitionKind.Apply or TransitionKind.Replay when item.Event.Type == ProductEventType.Sold:
                    sales.Add(item);
                    break;
                case TransitionKind.Apply or TransitionKind.Replay:
                    await AcceptAsync(item, cancellationToken);
                    break;
                case TransitionKind.Park:
                    await ParkAsync(item, decision.Reason!, cancellationToken);
                    break;
                default:
                    await RejectAsync(item, DeadLetterCategory.IllegalTransition, "detail-type", decision.Reason!, complete: true, cancellationToken);
                    break;
            }
        }

        await WriteSalesAsync(sales, cancellationToken);
    }

    private async Task ResolveImageAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var detail = item.Event.Detail;
        var path = detail.ImageKey is not null ? "detail.imageKey" : "detail.imageUrl";
        // A parked sold event kept the photo it resolved before parking: its generated key, never the URL again.
        var imageKey = item.Parked?.ImageKey ?? detail.ImageKey;
        if (imageKey is null)
        {
            // By URL: fetched before the submission was queued; otherwise (a parked event from before photos were kept) here,
            // through the same bounded fetcher and its deadline.
            var photo = item.Photo ?? await photos.FetchAsync(item.Tenant, detail.ImageUrl!, cancellationToken);
            if (photo.Image is not null)
            {
                item.Image = photo.Image;
            }
            else if (photo.IsRetryable)
            {
                await FailAsync(item, new SaleImageUnavailableException(photo.Failure!, isRetryable: true), release: true, cancellationToken, photo.Attempts);
            }
            else
            {
                await RejectAsync(item, DeadLetterCategory.ImageUnavailable, path, photo.Failure!, complete: true, cancellationToken);
            }

            return;
        }

        // Image-store keys are content-addressed and tenant-prefixed: a key always names the same photo, so its resolution can be reused.
        if (_resolvedKeys.TryGetValue(imageKey, out var known))
        {
            item.Image = known with { EmbeddingReused = true };
            return;
        }

        try
        {
            item.Image = await RetryAsync(() => images.ResolveAsync(item.Tenant, imageKey, null, cancellationToken), cancellationToken);
            if (_resolvedKeys.Count >= MaxCachedImageKeys)
            {
                _resolvedKeys.Clear();
            }

            _resolvedKeys[imageKey] = item.Image;
        }
        catch (SaleImageUnavailableException ex) when (!ex.IsRetryable)
        {
            await RejectAsync(item, DeadLetterCategory.ImageUnavailable, path, ex.Message, complete: true, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await FailAsync(item, ex, release: true, cancellationToken);
        }
    }

    private async Task WriteSalesAsync(List<WorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var rows = items.Select(SaleOf).ToList();
        try
        {
            // Group commit: one transaction for the micro-batch.
            await outbox.AddSalesWithOutboxAsync(rows, cancellationToken);
            foreach (var item in items)
            {
                await SaleWrittenAsync(item, cancellationToken);
            }

            return;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogGroupWriteFailed(logger, items.Count, ex);
        }

        // One at a time, each with its own retries: the failing event is dead-lettered, the others go through.
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var row = rows[i];
            try
            {
                await RetryAsync(() => outbox.AddSalesWithOutboxAsync([row], cancellationToken), cancellationToken);
                await SaleWrittenAsync(item, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await FailAsync(item, ex, release: true, cancellationToken);
            }
        }
    }

    private (SaleRecord Sale, StoredEmbedding? Embedding) SaleOf(WorkItem item)
    {
        var sale = item.Event.ToSaleRecord();
        if (item.Image is { } image)
        {
            sale = sale with { ImageKey = image.ImageKey };
        }

        return (sale, item.Image?.Embedding);
    }

    private async Task SaleWrittenAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var (sale, embedding) = SaleOf(item);
        index.Add(sale, embedding);
        monitor.RecordLag(item.Tenant, timeProvider.GetUtcNow() - item.Event.Time);
        await AcceptAsync(item, cancellationToken);
    }

    private async Task AcceptAsync(WorkItem item, CancellationToken cancellationToken)
    {
        item.Outcome = EventOutcome.Accepted(item.Index, item.Event.Id);
        await CompleteAsync(item, cancellationToken);
        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Accepted);
    }

    private async Task ParkAsync(WorkItem item, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = item.Event.Time + _options.MaxEventAge;
        if (now >= expiresAt)
        {
            await RejectAsync(item, DeadLetterCategory.IllegalTransition, "detail-type",
                $"{reason} The event is older than the maximum event age ({_options.MaxEventAge}), so it is not parked.", complete: true, cancellationToken);
            return;
        }

        try
        {
            await RetryAsync(async () =>
            {
                await parked.ParkAsync(new ParkedEvent
                {
                    Tenant = item.Tenant,
                    ProductId = item.Event.Detail.ProductId!,
                    EventId = item.Event.Id,
                    DetailType = item.Event.DetailType,
                    Payload = item.Payload,
                    Transport = item.Origin.Transport,
                    EventTime = item.Event.Time,
                    ExpiresAt = expiresAt,
                    ParkedAt = now,
                    ImageKey = item.Image?.ImageKey,
                }, cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await FailAsync(item, ex, release: true, cancellationToken);
            return;
        }

        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Parked, [new("detail-type", reason)]);
        if (item.Parked is null)
        {
            await CompleteAsync(item, cancellationToken);
            monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Parked);
        }
    }

    private async Task RetryParkedAfterPredecessorsAsync(IEnumerable<WorkItem> handled, CancellationToken cancellationToken)
    {
        var products = handled.Where(i => i.Decision == TransitionKind.Apply && i.Event.Type != ProductEventType.Sold)
            .Select(i => (i.Tenant, ProductId: i.Event.Detail.ProductId!)).Distinct().ToList();
        if (products.Count == 0)
        {
            return;
        }

        var waiting = new List<ParkedEvent>();
        foreach (var (tenant, productId) in products)
        {
            waiting.AddRange(await parked.ListForProductAsync(tenant, productId, cancellationToken));
        }

        if (waiting.Count > 0)
        {
            await RetryParkedAsync(waiting, cancellationToken);
            monitor.SetParked(await parked.CountAsync(cancellationToken));
        }
    }

    private async Task<int> RetryParkedAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var items = new List<WorkItem>();
        var expired = new List<WorkItem>();
        foreach (var p in events.OrderBy(e => e.EventTime).ThenBy(e => e.Id))
        {
            var bytes = Encoding.UTF8.GetBytes(p.Payload);
            if (!ProductEventParser.TryParse(bytes, out var productEvent, out var errors))
            {
                await DeadLetterAsync(p.Tenant, p.EventId, p.DetailType, DeadLetterCategory.Schema, Join(errors), p.Payload, p.Transport, p.Attempts, cancellationToken);
                await parked.RemoveAsync(p.Id, cancellationToken);
                continue;
            }

            using var document = JsonDocument.Parse(bytes);
            var item = new WorkItem
            {
                Submission = -1,
                Index = 0,
                Event = productEvent!,
                Tenant = p.Tenant,
                Origin = new EventSubmissionOrigin(p.Transport, null),
                Payload = p.Payload,
                Key = new IdempotencyKey(p.Tenant, p.DetailType, p.EventId),
                PayloadSha256 = PayloadHash.Sha256OfCanonicalJson(document.RootElement),
                Parked = p,
            };

            if (now >= p.ExpiresAt)
            {
                await RejectAsync(item, DeadLetterCategory.IllegalTransition, "detail-type",
                    $"{p.DetailType} waited for its predecessor (product.listed) past the maximum event age ({_options.MaxEventAge}); parked {p.Attempts} time(s).",
                    complete: true, cancellationToken);
                expired.Add(item);
                await parked.RemoveAsync(p.Id, cancellationToken);
                continue;
            }

            items.Add(item);
        }

        await ApplyAsync(items, cancellationToken);
        await FlushCompletionsAsync(items.Concat(expired), cancellationToken);
        var applied = 0;
        foreach (var item in items.Where(i => i.Outcome is { Status: not EventOutcomeStatus.Parked }))
        {
            await parked.RemoveAsync(item.Parked!.Id, cancellationToken);
            applied += item.Outcome!.Status == EventOutcomeStatus.Accepted ? 1 : 0;
        }

        return applied;
    }

    private void Duplicate(WorkItem item, string? storedOutcome)
    {
        var stored = ReadStoredStatus(storedOutcome);
        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Duplicate,
            [new(EventError.Document, $"already handled; stored outcome: {stored}.")]);
        monitor.RecordIdempotencyHit(item.Tenant);
        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Duplicate);
    }

    private async Task RejectAsync(WorkItem item, DeadLetterCategory category, string path, string message, bool complete, CancellationToken cancellationToken)
    {
        message = UrlRedaction.RedactUrlsIn(message);
        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Rejected, [new(path, message)]);
        var letterTenant = category == DeadLetterCategory.UnknownTenant ? item.Origin.RestrictToTenant : item.Origin.RestrictToTenant ?? item.Tenant;
        await DeadLetterAsync(letterTenant, item.Event.Id, item.Event.DetailType, category, $"{path}: {message}", item.Payload, item.Origin.Transport,
            item.Parked?.Attempts ?? 1, cancellationToken);
        if (complete)
        {
            await CompleteAsync(item, cancellationToken);
        }

        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Rejected);
    }

    private async Task FailAsync(WorkItem item, Exception exception, bool release, CancellationToken cancellationToken, int? attemptsMade = null)
    {
        var retryable = failures.IsRetryable(exception);
        var attempts = attemptsMade ?? (retryable ? _options.MaxRetries + 1 : 1);
        // Messages may quote a photo URL: what reaches the publisher, the letters and the monitor is redacted.
        var message = UrlRedaction.RedactUrlsIn(exception.Message);
        var reason = retryable
            ? $"failed {attempts} time(s): {exception.GetType().Name}: {message}"
            : $"failed with a permanent error: {exception.GetType().Name}: {message}";
        LogEventFailed(logger, item.Event.Id, item.Tenant.Value, exception);
        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Failed, [new(EventError.Document, reason)]);
        await DeadLetterAsync(item.Tenant, item.Event.Id, item.Event.DetailType, DeadLetterCategory.RetriesExhausted, reason, item.Payload, item.Origin.Transport, attempts, cancellationToken);
        if (release && item.Parked is null)
        {
            // The handler failed: free the key so a redrive (or the transport's redelivery) runs again.
            try
            {
                await idempotency.ReleaseAsync(item.Key, cancellationToken);
            }
            catch (Exception releaseFailure) when (!cancellationToken.IsCancellationRequested)
            {
                LogReleaseFailed(logger, item.Key.Value, releaseFailure);
            }
        }

        monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Failed);
    }

    /// <summary>Marks the item's outcome to be stored; <see cref="FlushCompletionsAsync"/> writes them in one transaction after the effects.</summary>
    private static Task CompleteAsync(WorkItem item, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        item.CompletionPending = true;
        return Task.CompletedTask;
    }

    private async Task FlushCompletionsAsync(IEnumerable<WorkItem> items, CancellationToken cancellationToken)
    {
        var pending = items.Where(i => i.CompletionPending).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var completions = pending.Select(i => (i.Key, JsonSerializer.Serialize(new StoredOutcome(i.Outcome!.Status.ToString(), i.Outcome.Reasons), OutcomeJson))).ToList();
        try
        {
            var completed = await RetryAsync(() => idempotency.CompleteManyAsync(completions, cancellationToken), cancellationToken);
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

    private async Task DeadLetterAsync(TenantId? tenant, string? eventId, string? detailType, DeadLetterCategory category, string reason, string payload,
        string transport, int attempts, CancellationToken cancellationToken)
    {
        reason = UrlRedaction.RedactUrlsIn(reason);
        monitor.RecordError(tenant, eventId, category.ToString(), reason);
        try
        {
            await RetryAsync(() => deadLetters.AddAsync(new NewDeadLetter
            {
                Tenant = tenant,
                EventId = eventId is { Length: <= ProductEventLimits.MaxIdLength } ? eventId : null,
                DetailType = detailType is { Length: <= 64 } ? detailType : null,
                Category = category,
                Reason = reason.Length <= 4000 ? reason : reason[..4000],
                Payload = payload,
                Transport = transport,
                Attempts = attempts,
                FailedAt = timeProvider.GetUtcNow(),
            }, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogDeadLetterFailed(logger, eventId, category.ToString(), ex);
        }
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (attempt < _options.MaxRetries && failures.IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                monitor.RecordRetry();
                var delay = _options.RetryBaseDelay * Math.Pow(2, attempt);
                if (delay > TimeSpan.Zero)
                {
                    // Full exponential backoff plus up to 50 % jitter, so retries of a batch do not line up.
                    await Task.Delay(delay + delay * (Random.Shared.NextDouble() / 2), timeProvider, cancellationToken);
                }
            }
        }
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

    private static TenantId? TenantOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object
        && detail.TryGetProperty("tenantId", out var tenant) && tenant.ValueKind == JsonValueKind.String
        && TenantId.TryParse(tenant.GetString(), out var id) ? id : null;

    private static string? DetailTypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("detail-type", out var type) && type.ValueKind == JsonValueKind.String
            && ProductEventTypes.TryParse(type.GetString(), out _) ? type.GetString() : null;

    private static string Join(IReadOnlyList<EventError> errors) => string.Join("; ", errors.Select(e => e.ToString()));

    private static string Utf8Prefix(ReadOnlySpan<byte> bytes, int maxBytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length <= maxBytes ? bytes : bytes[..maxBytes]);
        return text;
    }

    private sealed record StoredOutcome(string Status, IReadOnlyList<EventError> Reasons);

    private sealed class WorkItem
    {
        public required int Submission { get; init; }
        public required int Index { get; init; }
        public required ProductEvent Event { get; init; }
        public required TenantId Tenant { get; init; }
        public required EventSubmissionOrigin Origin { get; init; }
        public required string Payload { get; init; }
        public required IdempotencyKey Key { get; init; }
        public required string PayloadSha256 { get; init; }
        /// <summary>Set when the item comes back from the parked events (its idempotency record already says Parked).</summary>
        public ParkedEvent? Parked { get; init; }
        /// <summary>The photo named by URL, fetched before the submission was queued.</summary>
        public SalePhotoResult? Photo { get; init; }
        public ResolvedSaleImage? Image { get; set; }
        public TransitionKind? Decision { get; set; }
        public EventOutcome? Outcome { get; set; }
        public bool CompletionPending { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group write of {Count} sales failed; writing them one at a time")]
    private static partial void LogGroupWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} of tenant {TenantId} failed and was dead-lettered")]
    private static partial void LogEventFailed(ILogger logger, string eventId, string tenantId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing idempotency key {Key} failed; a retry waits for its lease")]
    private static partial void LogReleaseFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing the outcome of idempotency key {Key} failed")]
    private static partial void LogCompleteFailed(ILogger logger, string key, Exception? exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering event {EventId} ({Category}) failed")]
    private static partial void LogDeadLetterFailed(ILogger logger, string? eventId, string category, Exception exception);
}
