using System.Security.Cryptography;

namespace Portal.Web.Security;

/// <summary>
/// Response headers every answer carries: a script Content-Security-Policy (scripts from the portal's own origin, plus the one
/// inline script Blazor renders, the import map, by a per-request nonce), <c>X-Content-Type-Options: nosniff</c> and a
/// <c>Referrer-Policy</c>. Set when the response starts, so error pages re-executed by the exception handler keep them.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "portal:csp-nonce";

    /// <summary>This request's script nonce (for the inline import map), or null outside a request that went through the middleware.</summary>
    public static string? CspNonce(this HttpContext context) => context.Items[NonceKey] as string;

    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        var formTargets = FormTargets(app.Configuration);
        var development = app.Environment.IsDevelopment();
        return app.Use((context, next) =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy(nonce, formTargets, development);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <summary>
    /// Blazor Server needs no eval and no inline script but the import map; MudBlazor and the charts set inline styles (hence
    /// style-src 'unsafe-inline', which cannot run code). Photos may come from the object store by presigned https URL.
    /// </summary>
    internal static string Policy(string nonce, string formTargets, bool development) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob: https:; " +
        "font-src 'self' data:; " +
        // The circuit's WebSocket is same-origin; in Development the browser-refresh socket of dotnet watch is another port.
        (development ? "connect-src 'self' ws: wss:; " : "connect-src 'self'; ") +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "frame-ancestors 'none'; " +
        $"form-action 'self'{formTargets}";

    /// <summary>Signing out posts to the portal, which redirects to the identity provider: browsers hold form redirects to form-action too.</summary>
    private static string FormTargets(IConfiguration configuration) =>
        Uri.TryCreate(configuration["AzureAd:Instance"], UriKind.Absolute, out var instance) && instance.Scheme == Uri.UriSchemeHttps
            ? " " + instance.GetLeftPart(UriPartial.Authority)
            : string.Empty;
}
