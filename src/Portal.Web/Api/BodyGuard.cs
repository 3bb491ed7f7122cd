using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Identity;

namespace Portal.Web.Api;

/// <summary>
/// The checks an API that takes a request body runs before its handler, in this order: a tenant from the signed-in
/// identity (403), the media type (415), the declared length against the limit (413, and the server's body limit set to
/// the same number so a body without a length stops there too). The handler reads the guarded tenant with
/// <see cref="TenantOf"/>.
/// </summary>
public sealed class BodyGuard(BodyGuardRules rules) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var hasTenant = http.User.TryGetTenant(out var tenant);
        if (!hasTenant && !rules.ActsForAnyTenant(http.User))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The signed-in identity is not mapped to a tenant.");
        }

        if (!rules.AcceptsMediaType(http.Request))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: rules.MediaTypeHint);
        }

        var limit = rules.MaxBytes(http.RequestServices);
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(rules.TooLargeDetail(http.Request.ContentLength, limit));
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        http.Features.Set(new GuardedTenant(hasTenant ? tenant : null));
        return await next(context);
    }

    /// <summary>The tenant the guard found: null only for an identity that acts for any tenant.</summary>
    public static TenantId? TenantOf(HttpContext http) =>
        (http.Features.Get<GuardedTenant>() ?? throw new InvalidOperationException("The endpoint is not behind a BodyGuard.")).Tenant;

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: detail);

    private sealed record GuardedTenant(TenantId? Tenant);
}

/// <summary>What one API accepts. <see cref="MaxBytes"/> reads the services so a limit from options stays current.</summary>
public sealed record BodyGuardRules
{
    public required Func<HttpRequest, bool> AcceptsMediaType { get; init; }

    /// <summary>The 415 detail: what to send instead.</summary>
    public required string MediaTypeHint { get; init; }

    public required Func<IServiceProvider, long> MaxBytes { get; init; }

    /// <summary>The 413 detail from the declared length and the limit.</summary>
    public required Func<long?, long, string> TooLargeDetail { get; init; }

    /// <summary>An identity with no tenant of its own that may still call (a publisher app); by default none.</summary>
    public Func<ClaimsPrincipal, bool> ActsForAnyTenant { get; init; } = _ => false;
}

public static class BodyGuardExtensions
{
    public static RouteHandlerBuilder RequireBodyGuard(this RouteHandlerBuilder builder, BodyGuardRules rules) =>
        builder.AddEndpointFilter(new BodyGuard(rules));
}
