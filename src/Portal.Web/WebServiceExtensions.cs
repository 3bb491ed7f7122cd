using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;
using Portal.Infrastructure;
using Portal.Core.Pricing.Calibration;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Hosting;
using Portal.Web.Api;
using Portal.Web.Components;
using Portal.Web.Components.Pages.Price;
using Portal.Web.Health;
using Portal.Web.Identity;
using Portal.Web.Security;
using Portal.Web.Telemetry;

namespace Portal.Web;

public static class WebServiceExtensions
{
    /// <summary>The portal host: shared infrastructure, sign-in, the JSON API, health checks and the Blazor Server UI.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        builder.AddPortal();
        builder.AddSqsConsumer();
        builder.Services.AddHostedService<StartupWorker>();
        // The nightly refit runs on the job host; every portal takes it from the store.
        builder.Services.AddHostedService<RangeCalibrationRefresher>();
        // Batches uploaded here or left unfinished by a stopped portal are priced in the background.
        builder.Services.AddBatchPricingWorker();
        // The index follows the store, so sales written by the worker, an import or another portal become comparables here.
        builder.AddSalesFeedFollower();
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

        builder.Services.AddPortalForwardedHeaders(builder.Configuration);
        // Secure whenever the request is https (directly or through a configured proxy); the default marks it never.
        builder.Services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        AddAuthenticationServices(builder);
        var health = builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<ModelHealthCheck>("model", tags: ["ready"])
            .AddCheck<IndexHealthCheck>("index", tags: ["ready"])
            .AddCheck<SalesFeedHealthCheck>("feed", tags: ["ready"]);
        // The lake folder only exists on the embedded default; on AWS a check that cannot fail would only mislead.
        if (!PortalOptions.IsAws(builder.Configuration))
        {
            health.AddCheck<LakeHealthCheck>("lake", tags: ["ready"]);
        }
        return builder;
    }

    private static void AddAuthenticationServices(WebApplicationBuilder builder) => builder.AddPortalAuthentication();

    public static WebApplication UsePortal(this WebApplication app)
    {
        // First: behind a configured TLS-terminating proxy the request is https before HSTS, cookies and redirects look at it.
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(ErrorEndpoints.Path, createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Every endpoint names its policy or says it is anonymous (a test enumerates them): files and health are public.
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync })
            .AllowAnonymous();
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
        }).AllowAnonymous();
        app.MapPricingApi();
        app.MapBatchPricingApi();
        app.MapEventsApi();
        app.MapTrendsApi();
        app.MapImages();
        app.MapAccount();
        app.MapErrorPage();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(BlazorPlumbingIsAnonymous);
        return app;
    }

    /// <summary>
    /// The Blazor Server plumbing (hub, negotiate, scripts) is anonymous, explicitly: each page authorizes itself by its
    /// <c>[Authorize(Policy = …)]</c>, and a page without one stays without (the endpoint test then fails).
    /// </summary>
    private static void BlazorPlumbingIsAnonymous(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<ComponentTypeMetadata>().Any() || endpoint.Metadata.OfType<IAuthorizeData>().Any() || endpoint.Metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        endpoint.Metadata.Add(new AllowAnonymousAttribute());
    }
}
