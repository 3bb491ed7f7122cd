using Portal.Core.Images;
using Portal.Web.Identity;

namespace Portal.Web.Api;

/// <summary>Serves stored product photos to the signed-in tenant only (the key starts with the tenant id).</summary>
public static class ImageEndpoints
{
    public static IEndpointRouteBuilder MapImages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/images/{**key}", async (string key, HttpContext http, IImageStore images, CancellationToken cancellationToken) =>
        {
            if (!http.User.TryGetTenant(out var tenant) || !key.StartsWith(tenant.Value + "/", StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            var image = await images.OpenAsync(key, cancellationToken);
            if (image is null)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "private, max-age=86400, immutable";
            return Results.Stream(image.Content, image.ContentType);
        }).RequireAuthorization(PortalPolicies.Images).ExcludeFromDescription();
        return endpoints;
    }
}
