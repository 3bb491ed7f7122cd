namespace Portal.Infrastructure.Embedded.Housekeeping;

/// <summary>Section <c>Housekeeping</c>: how long rows that only served the embedded stores' bookkeeping are kept.</summary>
public sealed class HousekeepingOptions
{
    public const string SectionName = "Housekeeping";

    /// <summary>Outbox rows already drained into the lake are deleted after this (kept a while for inspection after an incident).</summary>
    public TimeSpan DrainedOutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A lake file's temporary copy (<c>.*.parquet.{guid}.tmp</c>) older than this was left by a crash and is deleted; a lake
    /// write takes seconds, so the default leaves any write in progress alone by a wide margin.
    /// </summary>
    public TimeSpan StaleLakeTempFileAge { get; set; } = TimeSpan.FromHours(1);
}
