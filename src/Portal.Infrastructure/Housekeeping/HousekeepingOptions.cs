namespace Portal.Infrastructure.Housekeeping;

/// <summary>Section <c>Housekeeping</c>: how long rows that only served the embedded stores' bookkeeping are kept.</summary>
public sealed class HousekeepingOptions
{
    public const string SectionName = "Housekeeping";

    /// <summary>Outbox rows already drained into the lake are deleted after this (kept a while for inspection after an incident).</summary>
    public TimeSpan DrainedOutboxRetention { get; set; } = TimeSpan.FromDays(7);
}
