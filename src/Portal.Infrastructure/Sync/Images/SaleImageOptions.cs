using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Sync.Images;

/// <summary>Section <c>Sync:Images</c>: how a sold product's photo is fetched when an event or an import names it by URL.</summary>
public sealed class SaleImageOptions
{
    public const string SectionName = "Sync:Images";

    /// <summary>Largest photo accepted, in bytes (checked on Content-Length and again while reading).</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The whole fetch (connect, headers, body) must finish within this.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// Whether URLs may point at loopback, private, link-local or other non-public addresses. Off in production so an event
    /// cannot make the service probe its own network; on in Development and tests, where the image host is local.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
