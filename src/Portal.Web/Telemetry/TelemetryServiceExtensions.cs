using OpenTelemetry.Metrics;
using Portal.Core.Sales.Feed;
using Portal.Core.Sync;

namespace Portal.Web.Telemetry;

/// <summary>Section <c>Telemetry</c>: where the OpenTelemetry metrics go. Nowhere by default; <c>Console</c> or <c>Otlp</c> by configuration.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary><c>None</c>, <c>Console</c> or <c>Otlp</c>.</summary>
    public string Exporter { get; set; } = "None";

    /// <summary>The OTLP collector (gRPC), when <see cref="Exporter"/> is <c>Otlp</c>; empty means the exporter's default (localhost:4317).</summary>
    public string? OtlpEndpoint { get; set; }
}

public static class TelemetryServiceExtensions
{
    /// <summary>OpenTelemetry metrics for the portal's meters (the sync pipeline's <c>Portal.Sync</c>, the index feed's <c>Portal.Feed</c>, ASP.NET Core's), exported as configured.</summary>
    public static WebApplicationBuilder AddPortalTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!string.Equals(options.Exporter, "None", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Exporter, "Console", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Exporter, "Otlp", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Telemetry:Exporter is '{options.Exporter}'; use None, Console or Otlp.");
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(SyncMetrics.MeterName, SalesFeedMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            if (string.Equals(options.Exporter, "Console", StringComparison.OrdinalIgnoreCase))
            {
                metrics.AddConsoleExporter();
            }
            else if (string.Equals(options.Exporter, "Otlp", StringComparison.OrdinalIgnoreCase))
            {
                metrics.AddOtlpExporter(otlp =>
                {
                    if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                    {
                        otlp.Endpoint = new Uri(options.OtlpEndpoint);
                    }
                });
            }
        });
        return builder;
    }
}
