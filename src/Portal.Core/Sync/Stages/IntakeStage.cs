using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Core.Sales;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// The first stage: parse and validate a submission (field-level errors; a rejected event or batch is dead-lettered
/// <see cref="DeadLetterCategory.Schema"/>), then check each accepted event's tenant is permitted to the caller and known.
/// </summary>
public sealed class IntakeStage(KnownTenants knownTenants, DeadLetterWriter deadLetters, EventOutcomes outcomes, SyncMonitor monitor,
    IOptions<PriceLimits> priceLimits, TimeProvider timeProvider)
{
    private const int MaxBatchPayloadChars = 64 * 1024;

    private readonly ProductEventValidator _validator = new(timeProvider, priceLimits.Value);

    /// <summary>Reads one submission into work items; rejected events (or the whole rejected batch) are settled here.</summary>
    internal async Task<SubmissionRead> ReadAsync(int submissionIndex, SubmissionRequest submission, CancellationToken cancellationToken)
    {
        var batch = ProductEventParser.ParseBatch(submission.Body.Span, _validator);
        if (batch.IsBatchRejected)
        {
            await RejectBatchAsync(submission, batch.BatchErrors, cancellationToken);
            return new SubmissionRead([], [], batch.BatchErrors);
        }

        using var document = JsonDocument.Parse(submission.Body);
        var elements = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new List<JsonElement> { document.RootElement };
        var read = new SubmissionRead(new EventOutcome?[elements.Count], [], null);
        var rejected = batch.Rejected.ToDictionary(r => r.Index);
        var next = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            if (rejected.TryGetValue(i, out var rejection))
            {
                read.Outcomes[i] = await RejectEventAsync(submission.Origin, elements[i], rejection, cancellationToken);
                continue;
            }

            read.Work.Add(WorkItemOf(submissionIndex, i, batch.Accepted[next++], elements[i], submission));
        }

        return read;
    }

    /// <summary>Rejects the items whose tenant the caller may not publish for, or that the portal does not know.</summary>
    internal async Task CheckTenantsAsync(IEnumerable<SyncWorkItem> work, CancellationToken cancellationToken)
    {
        foreach (var item in work)
        {
            if (item.Origin.RestrictToTenant is { } allowed && allowed != item.Tenant)
            {
                await outcomes.RejectAsync(item, DeadLetterCategory.TenantNotPermitted, "detail.tenantId",
                    $"the caller may only publish events for tenant '{allowed.Value}'.", complete: false, cancellationToken);
            }
            else if (!await knownTenants.IsKnownAsync(item.Tenant, cancellationToken))
            {
                await outcomes.RejectAsync(item, DeadLetterCategory.UnknownTenant, "detail.tenantId",
                    $"tenant '{item.Tenant.Value}' is not known to the portal.", complete: false, cancellationToken);
            }
        }
    }

    /// <summary>The photos the submission's valid sold events name by URL (and by no key), for tenants permitted and known.</summary>
    internal async Task<IReadOnlyCollection<(TenantId Tenant, string Url)>> PhotosToPrefetchAsync(SubmissionRequest submission, CancellationToken cancellationToken)
    {
        var body = submission.Body.Span;
        // Most submissions name no photo URL; an escaped property name is read by the parser like any other.
        if (submission.Photos is not null || (body.IndexOf("imageUrl"u8) < 0 && body.IndexOf((byte)'\\') < 0))
        {
            return [];
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
            if ((submission.Origin.RestrictToTenant is not { } allowed || allowed == tenant) && await knownTenants.IsKnownAsync(tenant, cancellationToken))
            {
                wanted.Add((tenant, url));
            }
        }

        return wanted;
    }

    private async Task RejectBatchAsync(SubmissionRequest submission, IReadOnlyList<EventError> errors, CancellationToken cancellationToken)
    {
        var origin = submission.Origin;
        var text = Utf8Prefix(submission.Body.Span, MaxBatchPayloadChars);
        await deadLetters.WriteAsync(origin.RestrictToTenant, null, null, DeadLetterCategory.Schema, DeadLetterWriter.Join(errors), text, origin.Transport, 1, cancellationToken);
        monitor.Record(origin.RestrictToTenant, null, EventOutcomeStatus.Rejected);
    }

    private async Task<EventOutcome> RejectEventAsync(EventSubmissionOrigin origin, JsonElement element, RejectedEvent rejection, CancellationToken cancellationToken)
    {
        // A restricted caller's letters stay in its own tenant: it must not write into another tenant's dead letters.
        var tenant = origin.RestrictToTenant ?? TenantOf(element);
        var detailType = DetailTypeOf(element);
        await deadLetters.WriteAsync(tenant, rejection.Id, detailType, DeadLetterCategory.Schema, DeadLetterWriter.Join(rejection.Errors),
            Utf8Prefix(JsonMarshal.GetRawUtf8Value(element), ProductEventLimits.MaxEventBytes), origin.Transport, 1, cancellationToken);
        monitor.Record(tenant, detailType, EventOutcomeStatus.Rejected);
        return new EventOutcome(rejection.Index, rejection.Id, EventOutcomeStatus.Rejected, rejection.Errors);
    }

    private static SyncWorkItem WorkItemOf(int submissionIndex, int index, ProductEvent productEvent, JsonElement element, SubmissionRequest submission)
    {
        var tenant = new TenantId(productEvent.Detail.TenantId!);
        return new SyncWorkItem
        {
            Submission = submissionIndex,
            Index = index,
            Event = productEvent,
            Tenant = tenant,
            Origin = submission.Origin,
            Payload = element.GetRawText(),
            Key = new IdempotencyKey(tenant, productEvent.DetailType, productEvent.Id),
            PayloadSha256 = PayloadHash.Sha256OfCanonicalJson(element),
            Photo = productEvent.Detail.ImageUrl is { } url && submission.Photos?.TryGetValue((tenant, url), out var photo) == true ? photo : null,
        };
    }

    private static TenantId? TenantOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object
        && detail.TryGetProperty("tenantId", out var tenant) && tenant.ValueKind == JsonValueKind.String
        && TenantId.TryParse(tenant.GetString(), out var id) ? id : null;

    private static string? DetailTypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("detail-type", out var type) && type.ValueKind == JsonValueKind.String
            && ProductEventTypes.TryParse(type.GetString(), out _) ? type.GetString() : null;

    private static string Utf8Prefix(ReadOnlySpan<byte> bytes, int maxBytes) => Encoding.UTF8.GetString(bytes.Length <= maxBytes ? bytes : bytes[..maxBytes]);
}

/// <summary>What the intake made of one submission: an outcome slot per event (rejected ones filled), the accepted events as work, or the batch's errors.</summary>
internal sealed record SubmissionRead(EventOutcome?[] Outcomes, List<SyncWorkItem> Work, IReadOnlyList<EventError>? BatchErrors);
