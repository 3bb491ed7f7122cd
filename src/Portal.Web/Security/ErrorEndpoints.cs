using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Components.Pages.Errors;

namespace Portal.Web.Security;

/// <summary>
/// <c>/error</c>, where the exception handler re-executes a failed request outside Development: a problem detail for the API,
/// a page for everything else, both with the trace id that finds the logged exception (never the exception itself).
/// </summary>
public static class ErrorEndpoints
{
    public const string Path = "/error";

    public static IEndpointRouteBuilder MapErrorPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(Path, Handle).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Handle(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerPathFeature>();
        // The same id the problem details service writes, so the page, the API answer and the log agree.
        var traceId = Activity.Current?.Id ?? context.TraceIdentifier;
        var status = failure is null ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        if ((failure?.Path ?? context.Request.Path.Value ?? string.Empty).StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "An unexpected error occurred",
                detail: "The error was logged; quote the trace id when you report it.",
                extensions: new Dictionary<string, object?> { ["traceId"] = traceId });
        }

        return new RazorComponentResult<ErrorPage>(new { TraceId = traceId }) { StatusCode = status };
    }
}
