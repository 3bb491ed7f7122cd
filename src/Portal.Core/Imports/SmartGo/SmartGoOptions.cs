using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Imports.SmartGo;

/// <summary>
/// Section <c>SmartGo</c>: the nightly import from SmartGo's PostgreSQL read replica. The connection string is a secret:
/// set it from the environment (<c>SmartGo__ConnectionString</c>) or a secret store, never in appsettings.json.
/// Image size, type and time limits are the image resolver's.
/// </summary>
public sealed class SmartGoOptions
{
    public const string SectionName = "SmartGo";

    /// <summary>Npgsql connection string of the read replica; the import refuses to run without it.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Rows read, written and committed (watermark advanced) together.</summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>Timeout of each query on the replica.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Images resolved (fetched, inspected, embedded or reused) at the same time within a batch.</summary>
    [Range(1, 64)]
    public int ImageConcurrency { get; set; } = 4;

    /// <summary>Extra attempts for an image whose failure may pass (timeout, 5xx); then the run fails and the batch is retried next run.</summary>
    [Range(0, 10)]
    public int ImageRetries { get; set; } = 2;

    /// <summary>Delay before the first image retry; doubles each attempt.</summary>
    public TimeSpan ImageRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Tenants accepted besides those already in the sales store (a new customer's first import).</summary>
    public List<string> Tenants { get; set; } = [];
}
