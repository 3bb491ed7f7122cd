using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Sqs;
using Portal.Infrastructure.Sync;
using Portal.Web.Api;
using Portal.Web.Components;
using Portal.Web.Components.Pages.Price;
using Portal.Web.Health;
using Portal.Web.Identity;
using Portal.Web.Telemetry;

namespace Portal.Web;

public static class WebServiceExtensions
{
    /// <summary>The portal host: shared infrastructure, sign-in, the JSON API, health checks and the Blazor Server UI.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        builder.AddPortalInfrastructure();
        builder.AddSqsConsumer();
        builder.Services.AddHostedService<StartupWorker>();
        builder.Services.AddSyncWorkers();
        builder.AddPortalTelemetry();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddPriceWorkbench();
        builder.Services.AddCascadingAuthenticationState();
        builder.WebHost.ConfigureKestrel(kestrel =>
            // A little above the 30 MB request limit so the endpoint, not Kestrel, answers with a problem document.
            kestrel.Limits.MaxRequestBodySize = 32 * 1024 * 1024);

        AddAuthenticationServices(builder);
        var health = builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<ModelHealthCheck>("model", tags: ["ready"])
            .AddCheck<IndexHealthCheck>("index", tags: ["ready"]);
        // The lake folder only exists on the embedded default; on AWS a check that cannot fail would only mislead.
        if (!string.Equals(builder.Configuration["Portal:Provider"], "Aws", StringComparison.Ordinal))
        {
            health.AddCheck<LakeHealthCheck>("lake", tags: ["ready"]);
        }
        return builder;
    }

    private static void AddAuthenticationServices(WebApplicationBuilder builder) => builder.AddPortalAuthentication();

    public static WebApplication UsePortal(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPricingApi();
        app.MapEventsApi();
        app.MapTrendsApi();
        app.MapImages();
        app.MapAccount();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
