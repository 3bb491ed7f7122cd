using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>Events that arrived before their predecessor, kept until they can be applied or expire (one per tenant, detail-type and event id).</summary>
public interface IParkedEventStore
{
    /// <summary>Parks the event; parking the same event again only counts another attempt.</summary>
    Task ParkAsync(ParkedEvent parked, CancellationToken cancellationToken);

    /// <summary>The parked events of one product, oldest event first (listed → updated → sold order by event time).</summary>
    Task<IReadOnlyList<ParkedEvent>> ListForProductAsync(TenantId tenant, string productId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> parked events of every tenant, oldest event first.</summary>
    Task<IReadOnlyList<ParkedEvent>> ListAllAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Removes one parked event by its <see cref="ParkedEvent.Id"/>; false when it was already gone.</summary>
    Task<bool> RemoveAsync(long id, CancellationToken cancellationToken);

    Task<int> CountAsync(CancellationToken cancellationToken);
}

/// <summary>An event that arrived before its predecessor, kept byte for byte until it can be applied or expires.</summary>
public sealed record ParkedEvent
{
    public long Id { get; init; }
    public required TenantId Tenant { get; init; }
    public required string ProductId { get; init; }
    public required string EventId { get; init; }
    public required string DetailType { get; init; }
    public required string Payload { get; init; }
    public required string Transport { get; init; }
    public required DateTimeOffset EventTime { get; init; }
    /// <summary>Event time + the maximum event age: past it the event is dead-lettered.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    public required DateTimeOffset ParkedAt { get; init; }
    public int Attempts { get; init; } = 1;

    /// <summary>
    /// A sold event's photo as resolved before it was parked (the generated image-store key; its embedding is stored by the
    /// image's hash): the event keeps it for its life, so retries never fetch the photo again. Kept from the first parking.
    /// </summary>
    public string? ImageKey { get; init; }
}
