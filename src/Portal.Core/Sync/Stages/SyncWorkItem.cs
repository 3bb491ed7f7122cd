using Portal.Core.Images;
using Portal.Core.Sales;

namespace Portal.Core.Sync.Stages;

/// <summary>One accepted event on its way through the stages: what it is, where it came from, and what the stages decided.</summary>
internal sealed class SyncWorkItem
{
    /// <summary>The submission's position in the micro-batch; -1 for an event brought back from the parked events.</summary>
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
    /// <summary>The outcome is to be stored; <see cref="ClaimStage.StoreOutcomesAsync"/> writes them in one transaction after the effects.</summary>
    public bool CompletionPending { get; set; }

    public string ProductId => Event.Detail.ProductId!;
}
