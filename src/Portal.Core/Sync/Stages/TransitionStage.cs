namespace Portal.Core.Sync.Stages;

/// <summary>
/// The product state machine: decides and applies the micro-batch's transitions in one transaction, accepts the ones that
/// need nothing more, hands the sales on, parks what came before its predecessor and dead-letters illegal transitions.
/// </summary>
public sealed class TransitionStage(IProductStateStore states, ParkStage park, EventOutcomes outcomes, SyncRetry retry)
{
    /// <summary>Applies the items' transitions; returns the sold items whose sale is still to be written.</summary>
    internal async Task<List<SyncWorkItem>> ApplyAsync(List<SyncWorkItem> items, CancellationToken cancellationToken)
    {
        IReadOnlyList<TransitionDecision> decisions;
        try
        {
            decisions = await retry.RunAsync(() => states.ApplyAsync(
                [.. items.Select(i => new ProductTransitionRequest(i.Tenant, i.ProductId, i.Event.Type, i.Event.Id, i.Event.Time))], cancellationToken),
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var item in items)
            {
                await outcomes.FailAsync(item, ex, release: true, cancellationToken);
            }

            return [];
        }

        var sales = new List<SyncWorkItem>();
        for (var i = 0; i < items.Count; i++)
        {
            if (await SettleAsync(items[i], decisions[i], cancellationToken))
            {
                sales.Add(items[i]);
            }
        }

        return sales;
    }

    /// <summary>Acts on one decision; true when the item is a sale still to be written.</summary>
    private async Task<bool> SettleAsync(SyncWorkItem item, TransitionDecision decision, CancellationToken cancellationToken)
    {
        item.Decision = decision.Kind;
        switch (decision.Kind)
        {
            case TransitionKind.Apply or TransitionKind.Replay when item.Event.Type == ProductEventType.Sold:
                return true;
            case TransitionKind.Apply or TransitionKind.Replay:
                outcomes.Accept(item);
                return false;
            case TransitionKind.Park:
                await park.ParkAsync(item, decision.Reason!, cancellationToken);
                return false;
            default:
                await outcomes.RejectAsync(item, DeadLetterCategory.IllegalTransition, "detail-type", decision.Reason!, complete: true, cancellationToken);
                return false;
        }
    }
}
