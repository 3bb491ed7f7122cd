using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>
/// Versioned product states. A transition is written with a condition on the version read (optimistic concurrency), so two
/// writers can never both move the same product; every event that moved a product is remembered, so a redelivered event is a
/// <see cref="TransitionKind.Replay"/> rather than an illegal transition.
/// </summary>
public interface IProductStateStore
{
    Task<ProductState?> GetAsync(TenantId tenant, string productId, CancellationToken cancellationToken);

    /// <summary>
    /// Decides and applies the transitions in order (later requests see earlier ones). Returns the decision for each request;
    /// only <see cref="TransitionKind.Apply"/> changes anything.
    /// </summary>
    Task<IReadOnlyList<TransitionDecision>> ApplyAsync(IReadOnlyList<ProductTransitionRequest> requests, CancellationToken cancellationToken);
}

/// <summary>A transition to decide and apply: the event that asks for it.</summary>
public sealed record ProductTransitionRequest(TenantId Tenant, string ProductId, ProductEventType Type, string EventId, DateTimeOffset EventTime);
