namespace Portal.Core.Sync;

/// <summary>Where a product is in its marketplace life.</summary>
public enum ProductStatus
{
    Listed,
    Updated,
    Sold,
    Delisted,
}

/// <summary>The stored state of one product: its status, the optimistic-concurrency version and the event that set it.</summary>
public sealed record ProductState(ProductStatus Status, long Version, string LastEventId, DateTimeOffset LastEventTime);

public enum TransitionKind
{
    /// <summary>Legal: move to <see cref="TransitionDecision.NewStatus"/>.</summary>
    Apply,

    /// <summary>The same event was applied before (a crash between the state write and the sale write): nothing to change, carry on.</summary>
    Replay,

    /// <summary>The predecessor has not arrived (no state yet): park and retry.</summary>
    Park,

    /// <summary>Never legal from the current state: rejected at once.</summary>
    Illegal,
}

public sealed record TransitionDecision(TransitionKind Kind, ProductStatus? NewStatus, string? Reason);

/// <summary>
/// The product state machine: listed → updated* → sold; delisted from listed/updated; a delisted product may be listed
/// again. Sold is terminal. Anything but listed for an unknown product waits for its predecessor (parked).
/// </summary>
public static class ProductLifecycle
{
    public static ProductStatus StatusOf(ProductEventType type) => type switch
    {
        ProductEventType.Listed => ProductStatus.Listed,
        ProductEventType.Updated => ProductStatus.Updated,
        ProductEventType.Sold => ProductStatus.Sold,
        ProductEventType.Delisted => ProductStatus.Delisted,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static TransitionDecision Decide(ProductState? current, ProductEventType type, string eventId)
    {
        if (current is not null && string.Equals(current.LastEventId, eventId, StringComparison.Ordinal))
        {
            return new(TransitionKind.Replay, current.Status, null);
        }

        var target = StatusOf(type);
        if (current is null)
        {
            return type == ProductEventType.Listed
                ? new(TransitionKind.Apply, target, null)
                : new(TransitionKind.Park, null, $"{type.ToWireName()} arrived before product.listed.");
        }

        var legal = (current.Status, type) switch
        {
            (ProductStatus.Listed or ProductStatus.Updated, ProductEventType.Updated or ProductEventType.Sold or ProductEventType.Delisted) => true,
            (ProductStatus.Delisted, ProductEventType.Listed) => true,
            _ => false,
        };

        return legal
            ? new(TransitionKind.Apply, target, null)
            : new(TransitionKind.Illegal, null, $"{type.ToWireName()} is not allowed for a product that is {current.Status.ToString().ToLowerInvariant()}.");
    }
}
