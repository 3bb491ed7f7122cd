using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Images;

/// <summary>Section <c>Sync:Images</c>: how a sold product's photo is fetched when an event or an import names it by URL.</summary>
public sealed class SaleImageOptions
{
    public const string SectionName = "Sync:Images";

    /// <summary>Largest photo accepted, in bytes (checked on Content-Length and again while reading).</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// A photo's total deadline: waiting for a fetch slot, every attempt, connect, headers and body (a host dripping bytes
    /// is cut off here, not per read). Past it the event fails as retryable and is dead-lettered for a redelivery or redrive.
    /// </summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Photos fetched by URL at once, over every host (the sync intake's fetches run outside the ordered pipeline).</summary>
    [Range(1, 256)]
    public int MaxConcurrentFetches { get; set; } = 8;

    /// <summary>Photos fetched at once from one host, so a slow host holds at most this many of <see cref="MaxConcurrentFetches"/>.</summary>
    [Range(1, 256)]
    public int MaxConcurrentFetchesPerHost { get; set; } = 2;

    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// Whether URLs may point at loopback, private, link-local or other non-public addresses. Off in production so an event
    /// cannot make the service probe its own network; on in Development and tests, where the image host is local.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
