using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// Out-of-order events: an event that came before its predecessor is parked (byte for byte, with the photo it resolved)
/// until the predecessor arrives or the maximum event age passes; then it is brought back as work, or dead-lettered
/// <see cref="DeadLetterCategory.IllegalTransition"/>.
/// </summary>
public sealed class ParkStage(
    IParkedEventStore parked,
    EventOutcomes outcomes,
    DeadLetterWriter deadLetters,
    SyncRetry retry,
    SyncMonitor monitor,
    IOptions<SyncOptions> options,
    TimeProvider timeProvider)
{
    private const int MaxRetriedAtOnce = 10_000;

    private readonly SyncOptions _options = options.Value;

    /// <summary>Parks the item, or rejects it when it is already past the maximum event age.</summary>
    internal async Task ParkAsync(SyncWorkItem item, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = item.Event.Time + _options.MaxEventAge;
        if (now >= expiresAt)
        {
            await outcomes.RejectAsync(item, DeadLetterCategory.IllegalTransition, "detail-type",
                $"{reason} The event is older than the maximum event age ({_options.MaxEventAge}), so it is not parked.", complete: true, cancellationToken);
            return;
        }

        try
        {
            await retry.RunAsync(() => parked.ParkAsync(ParkedEventOf(item, expiresAt, now), cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await outcomes.FailAsync(item, ex, release: true, cancellationToken);
            return;
        }

        item.Outcome = new EventOutcome(item.Index, item.Event.Id, EventOutcomeStatus.Parked, [new("detail-type", reason)]);
        if (item.Parked is null)
        {
            item.CompletionPending = true;
            monitor.Record(item.Tenant, item.Event.DetailType, EventOutcomeStatus.Parked);
        }
    }

    /// <summary>Every parked event (oldest first, up to a bound).</summary>
    internal Task<IReadOnlyList<ParkedEvent>> ListAllAsync(CancellationToken cancellationToken) => parked.ListAllAsync(MaxRetriedAtOnce, cancellationToken);

    /// <summary>The events parked for the products whose predecessor event (not a sale) was just applied.</summary>
    internal async Task<List<ParkedEvent>> WaitingForAsync(IEnumerable<SyncWorkItem> handled, CancellationToken cancellationToken)
    {
        var products = handled.Where(i => i.Decision == TransitionKind.Apply && i.Event.Type != ProductEventType.Sold)
            .Select(i => (i.Tenant, i.ProductId)).Distinct().ToList();
        var waiting = new List<ParkedEvent>();
        foreach (var (tenant, productId) in products)
        {
            waiting.AddRange(await parked.ListForProductAsync(tenant, productId, cancellationToken));
        }

        return waiting;
    }

    /// <summary>
    /// Brings parked events back as work, oldest first. One that no longer parses is dead-lettered and removed; one past its
    /// expiry is rejected and removed (returned as <c>Expired</c>, its outcome still to be stored).
    /// </summary>
    internal async Task<(List<SyncWorkItem> Live, List<SyncWorkItem> Expired)> ReviveAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var live = new List<SyncWorkItem>();
        var expired = new List<SyncWorkItem>();
        foreach (var p in events.OrderBy(e => e.EventTime).ThenBy(e => e.Id))
        {
            var item = await WorkItemOfAsync(p, cancellationToken);
            if (item is null)
            {
                continue;
            }

            if (now >= p.ExpiresAt)
            {
                await outcomes.RejectAsync(item, DeadLetterCategory.IllegalTransition, "detail-type",
                    $"{p.DetailType} waited for its predecessor (product.listed) past the maximum event age ({_options.MaxEventAge}); parked {p.Attempts} time(s).",
                    complete: true, cancellationToken);
                expired.Add(item);
                await parked.RemoveAsync(p.Id, cancellationToken);
                continue;
            }

            live.Add(item);
        }

        return (live, expired);
    }

    /// <summary>Removes the revived items that are no longer parked; returns how many were accepted.</summary>
    internal async Task<int> RemoveSettledAsync(IEnumerable<SyncWorkItem> items, CancellationToken cancellationToken)
    {
        var applied = 0;
        foreach (var item in items.Where(i => i.Outcome is { Status: not EventOutcomeStatus.Parked }))
        {
            await parked.RemoveAsync(item.Parked!.Id, cancellationToken);
            applied += item.Outcome!.Status == EventOutcomeStatus.Accepted ? 1 : 0;
        }

        return applied;
    }

    /// <summary>Tells the monitor how many events are parked now.</summary>
    internal async Task RefreshCountAsync(CancellationToken cancellationToken) => monitor.SetParked(await parked.CountAsync(cancellationToken));

    private async Task<SyncWorkItem?> WorkItemOfAsync(ParkedEvent p, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(p.Payload);
        if (!ProductEventParser.TryParse(bytes, out var productEvent, out var errors))
        {
            await deadLetters.WriteAsync(p.Tenant, p.EventId, p.DetailType, DeadLetterCategory.Schema, DeadLetterWriter.Join(errors), p.Payload, p.Transport, p.Attempts, cancellationToken);
            await parked.RemoveAsync(p.Id, cancellationToken);
            return null;
        }

        using var document = JsonDocument.Parse(bytes);
        return new SyncWorkItem
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
    }

    private static ParkedEvent ParkedEventOf(SyncWorkItem item, DateTimeOffset expiresAt, DateTimeOffset now) => new()
    {
        Tenant = item.Tenant,
        ProductId = item.ProductId,
        EventId = item.Event.Id,
        DetailType = item.Event.DetailType,
        Payload = item.Payload,
        Transport = item.Origin.Transport,
        EventTime = item.Event.Time,
        ExpiresAt = expiresAt,
        ParkedAt = now,
        ImageKey = item.Image?.ImageKey,
    };
}
