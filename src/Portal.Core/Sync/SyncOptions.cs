using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Sync;

/// <summary>Section <c>Sync</c>: the event pipeline, its channel, retries, parking and the lake writer.</summary>
public sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>Tenants that may publish besides the demo tenant and the tenants with sales in the store.</summary>
    public List<string> KnownTenants { get; set; } = [];

    private readonly HashSet<string> _implicitTenants = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a tenant known without configuration (the demo tenant): the host does this when it wires the options, so the
    /// pipeline needs no knowledge of where the tenant comes from. Not bound from configuration.
    /// </summary>
    public void AddImplicitTenant(string? tenant)
    {
        if (!string.IsNullOrEmpty(tenant))
        {
            _implicitTenants.Add(tenant);
        }
    }

    /// <summary>Whether <paramref name="tenant"/> is in <see cref="KnownTenants"/> or was added by the host as implicitly known.</summary>
    public bool IsConfiguredTenant(string tenant) =>
        _implicitTenants.Contains(tenant) || KnownTenants.Contains(tenant, StringComparer.Ordinal);

    /// <summary>How long the list of tenants with sales is cached.</summary>
    public TimeSpan KnownTenantsCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Submissions (each up to 100 events) the in-process channel holds; a full channel answers 429.</summary>
    [Range(1, 100_000)]
    public int ChannelCapacity { get; set; } = 256;

    /// <summary>The consumer takes up to this many waiting submissions into one micro-batch (one transaction per step per micro-batch).</summary>
    [Range(1, 10_000)]
    public int MicroBatchMaxSubmissions { get; set; } = 500;

    /// <summary>The Retry-After hint of a 429.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An event older than this (from its <c>time</c>) is no longer parked or retried: it is dead-lettered.</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often parked events are retried (they are also retried when their predecessor arrives).</summary>
    public TimeSpan ParkedRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a retryable failure before it is dead-lettered.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; doubled per retry, plus up to 50 % jitter. Zero retries at once.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Photos named by image key read and embedded at once within a micro-batch. Photos named by URL are fetched before the
    /// submission is queued, bounded by <c>Sync:Images:MaxConcurrentFetches</c>.
    /// </summary>
    [Range(1, 64)]
    public int ImageConcurrency { get; set; } = 2;

    /// <summary>The in-progress lease of an idempotency claim: a duplicate waits at most this long for the first delivery.</summary>
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The lake writer drains the outbox when it holds this many rows…</summary>
    [Range(1, 1_000_000)]
    public int LakeBatchMaxRows { get; set; } = 5_000;

    /// <summary>…or when its oldest row is this old.</summary>
    public TimeSpan LakeBatchMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the lake writer looks at the outbox.</summary>
    public TimeSpan LakePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        if (KnownTenantsCacheDuration < TimeSpan.Zero) yield return "Sync:KnownTenantsCacheDuration must not be negative.";
        if (RetryAfter <= TimeSpan.Zero) yield return "Sync:RetryAfter must be positive.";
        if (MaxEventAge <= TimeSpan.Zero) yield return "Sync:MaxEventAge must be positive.";
        if (ParkedRetryInterval <= TimeSpan.Zero) yield return "Sync:ParkedRetryInterval must be positive.";
        if (RetryBaseDelay < TimeSpan.Zero) yield return "Sync:RetryBaseDelay must not be negative.";
        if (IdempotencyLease <= TimeSpan.Zero) yield return "Sync:IdempotencyLease must be positive.";
        if (LakeBatchMaxAge <= TimeSpan.Zero) yield return "Sync:LakeBatchMaxAge must be positive.";
        if (LakePollInterval <= TimeSpan.Zero) yield return "Sync:LakePollInterval must be positive.";
        foreach (var tenant in KnownTenants.Where(t => !Portal.Core.Sales.TenantId.TryParse(t, out _)))
        {
            yield return $"Sync:KnownTenants has '{tenant}', which is not a tenant id.";
        }
    }
}
