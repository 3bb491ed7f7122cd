using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Portal.Core.Sales.Feed;

/// <summary>Section <c>SalesFeed</c>: how each pricing host follows the store's change feed to keep its index current.</summary>
public sealed class SalesFeedOptions
{
    public const string SectionName = "SalesFeed";

    /// <summary>Follow the feed (on in every host that prices; a host that only writes has no use for it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the feed is read when the last read found nothing new.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How far before its watermark each read starts again: covers writes that become visible after a later write (a writer
    /// waiting for the lock after its stamp, another host's clock, an index still propagating). Re-read sales are skipped by id.
    /// </summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Feed entries read per request.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>A host whose last complete read is older than this is lagging: readiness says Degraded and an alert fires.</summary>
    public TimeSpan LagAlertThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>This host's name in heartbeats, alerts and <c>/ops/sync</c>; empty: the machine name and process id.</summary>
    public string? HostName { get; set; }

    /// <summary>How often a host records its watermark and lag in the store's heartbeat rows (<c>/ops/sync</c>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class SalesFeedOptionsValidator : IValidateOptions<SalesFeedOptions>
{
    public ValidateOptionsResult Validate(string? name, SalesFeedOptions options)
    {
        var failures = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(50) || options.PollInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add("SalesFeed:PollInterval must be between 00:00:00.050 and 00:05:00.");
        }

        if (options.Overlap < TimeSpan.Zero || options.Overlap > TimeSpan.FromHours(1))
        {
            failures.Add("SalesFeed:Overlap must be between 00:00:00 and 01:00:00.");
        }

        if (options.LagAlertThreshold <= options.PollInterval)
        {
            failures.Add("SalesFeed:LagAlertThreshold must be longer than SalesFeed:PollInterval.");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add("SalesFeed:HeartbeatInterval must be positive.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
