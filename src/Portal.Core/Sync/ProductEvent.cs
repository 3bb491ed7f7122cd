namespace Portal.Core.Sync;

/// <summary>An EventBridge envelope around one marketplace product event.</summary>
public sealed record ProductEvent
{
    public required string Version { get; init; }
    public required string Id { get; init; }
    /// <summary>The <c>detail-type</c> as sent.</summary>
    public required string DetailType { get; init; }
    public required ProductEventType Type { get; init; }
    public required string Source { get; init; }
    public string? Account { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? Region { get; init; }
    public IReadOnlyList<string> Resources { get; init; } = [];
    public required ProductEventDetail Detail { get; init; }
}
