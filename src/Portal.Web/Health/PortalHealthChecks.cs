using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Embedded;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales.Feed;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Web.Identity;

namespace Portal.Web.Health;

/// <summary>The store answers a query.</summary>
public sealed class StoreHealthCheck(ISalesStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var tenants = await store.GetTenantsAsync(cancellationToken);
        return HealthCheckResult.Healthy($"{tenants.Count} tenant(s)");
    }
}

/// <summary>The embedded lake folder exists and can be written (registered for the embedded default only).</summary>
public sealed class LakeHealthCheck(IOptions<EmbeddedStorageOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var directory = options.Value.LakeDirectory;
        Directory.CreateDirectory(directory);
        return Task.FromResult(HealthCheckResult.Healthy(directory));
    }
}

/// <summary>The configured embedding model is ready (resolving the local embedder loads the ONNX model).</summary>
public sealed class ModelHealthCheck(IEmbeddingGenerator<DataContent, Embedding<float>> embedder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? embedder.GetType().Name;
        return Task.FromResult(HealthCheckResult.Healthy(embedder is OnnxImageEmbedder onnx ? $"{model} ({onnx.Fit})" : model));
    }
}

/// <summary>
/// Not ready while the index warms (a load balancer keeps traffic on warm hosts; this host's pages and API still answer, the
/// prices marked "warming"), with the load's progress; degraded (still serving) while the demo tenant seeds.
/// </summary>
public sealed class IndexHealthCheck(SalesIndexLoader loader, DemoSeedingStatus seeding) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var demo = seeding.Snapshot();
        var data = new Dictionary<string, object> { ["salesLoaded"] = loader.SalesLoaded, ["demo"] = demo };
        var warming = loader.Progress.Warming;
        if (warming is not null)
        {
            data["warming"] = true;
            if (warming.EstimatedSales is { } total)
            {
                data["estimatedSales"] = total;
                data["percentLoaded"] = warming.PercentLoaded ?? 0;
            }
        }

        if (loader.Loaded.IsFaulted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Loading the sales index failed.", loader.Loaded.Exception, data));
        }

        if (!loader.IsLoaded)
        {
            var progress = warming?.EstimatedSales is { } estimated
                ? string.Create(CultureInfo.InvariantCulture, $"{loader.SalesLoaded:N0} of about {estimated:N0} sales loaded")
                : string.Create(CultureInfo.InvariantCulture, $"{loader.SalesLoaded:N0} sales loaded");
            return Task.FromResult(HealthCheckResult.Unhealthy($"Warming up: {progress}.", data: data));
        }

        return Task.FromResult(demo.State is nameof(SeedingState.Running) or nameof(SeedingState.Pending)
            ? HealthCheckResult.Degraded(demo.Message, data: data)
            : HealthCheckResult.Healthy(demo.Message, data));
    }
}

/// <summary>
/// How current this host's index is with the store (for Ops): watermark, last sale seen, lag since the last complete read of
/// the change feed. Degraded (still serving) when the lag passes <c>SalesFeed:LagAlertThreshold</c>.
/// </summary>
public sealed class SalesFeedHealthCheck(SalesFeedStatus status, IOptions<SalesFeedOptions> options, ISalesStore store, ISalesIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = status.Snapshot();
        long indexSales = 0;
        foreach (var tenant in await store.GetTenantsAsync(cancellationToken))
        {
            indexSales += index.Count(tenant);
        }

        var data = new Dictionary<string, object>
        {
            ["host"] = status.HostName,
            ["watermark"] = snapshot.Watermark?.ToString("O") ?? "",
            ["lastSaleSeenAt"] = snapshot.LastSaleSeenAt?.ToString("O") ?? "",
            ["lagSeconds"] = Math.Round(snapshot.Lag?.TotalSeconds ?? 0, 3),
            ["applied"] = snapshot.Applied,
            ["expired"] = snapshot.Expired,
            ["indexSales"] = indexSales,
        };
        if (snapshot.LastError is { } error)
        {
            data["lastError"] = error;
        }

        if (!options.Value.Enabled)
        {
            return HealthCheckResult.Healthy("Not following the sales feed (SalesFeed:Enabled is off).", data);
        }

        if (snapshot.Lag is not { } lag)
        {
            return HealthCheckResult.Healthy("Following the sales feed once the index has loaded.", data);
        }

        return lag > options.Value.LagAlertThreshold
            ? HealthCheckResult.Degraded($"The index is {lag.TotalSeconds:0} s behind the store.", data: data)
            : HealthCheckResult.Healthy($"The index is {lag.TotalSeconds:0.0} s behind the store.", data);
    }
}

public static class HealthResponseWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The status alone for anyone; the checks with their data (paths, counts, errors) for Ops and platform admins only.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (!context.User.IsInRole(PortalRoles.Ops) && !context.User.IsInRole(PortalRoles.PlatformAdmin))
        {
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, Json));
        }

        var body = new
        {
            status = report.Status.ToString(),
            totalMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
