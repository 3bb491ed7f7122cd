namespace Portal.Core.Sync;

/// <summary>
/// The outcome of reading a batch: accepted events, rejected events with their reasons,
/// and errors that reject the whole batch (bad JSON, too many events).
/// </summary>
public sealed record ProductEventBatch(
    IReadOnlyList<ProductEvent> Accepted,
    IReadOnlyList<RejectedEvent> Rejected,
    IReadOnlyList<EventError> BatchErrors)
{
    public bool IsBatchRejected => BatchErrors.Count > 0;

    internal static ProductEventBatch Failed(EventError error) => new([], [], [error]);
}

/// <summary>One rejected event: its position in the batch, its id when it could be read, and why.</summary>
public sealed record RejectedEvent(int Index, string? Id, IReadOnlyList<EventError> Errors);
