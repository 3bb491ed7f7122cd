using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Sync;
using Portal.Web.Identity;

namespace Portal.Web.Api;

/// <summary>
/// <c>POST /api/events</c>: one marketplace event envelope or a JSON array of up to 100, into the sync pipeline.
/// 202 with an outcome per event; 400 when the body as a whole is refused (not JSON, more than 100 events); 429 with
/// Retry-After when the pipeline is full (nothing taken). See <c>docs/events/README.md</c>.
/// </summary>
public static class EventEndpoints
{
    private static readonly BodyGuardRules Guard = new()
    {
        // No content type is read as JSON; any other type is refused.
        AcceptsMediaType = request => request.ContentType is not { } contentType || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase),
        MediaTypeHint = "Send the event envelope (or an array of them) as application/json.",
        MaxBytes = _ => ProductEventLimits.MaxBatchBytes,
        TooLargeDetail = (_, _) => TooLargeDetail,
        ActsForAnyTenant = user => user.IsInRole(PortalRoles.EventPublisher),
    };

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/events", SubmitAsync)
            .RequireAuthorization(PortalPolicies.EventPublisher)
            .RequireBodyGuard(Guard)
            .DisableAntiforgery()
            .WithTags("Events")
            .WithName("SubmitEvents")
            .WithSummary("Submit marketplace product events (one envelope or a batch of up to 100).")
            .Accepts<object>("application/json")
            .Produces<EventSubmissionResponse>(StatusCodes.Status202Accepted)
            .Produces<EventSubmissionResponse>(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    /// <summary>The response body: per-event outcomes in submission order, or the errors that refused the whole body.</summary>
    public sealed record EventSubmissionResponse(int Accepted, int Duplicate, int Rejected, int Parked, int Failed, IReadOnlyList<EventOutcomeResponse> Events, IReadOnlyList<EventError> BatchErrors);

    public sealed record EventOutcomeResponse(int Index, string? EventId, string Status, IReadOnlyList<EventError> Reasons);

    private static async Task<Results<Accepted<EventSubmissionResponse>, BadRequest<EventSubmissionResponse>, ProblemHttpResult>> SubmitAsync(HttpContext http, IEventSubmitter submitter, CancellationToken cancellationToken)
    {
        const int limit = ProductEventLimits.MaxBatchBytes;
        byte[] body;
        try
        {
            body = await ReadBodyAsync(http.Request.Body, limit, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException)
        {
            return TooLarge();
        }

        // A signed-in person publishes only for their own tenant; the publisher app for any known tenant.
        var tenant = http.User.IsInRole(PortalRoles.EventPublisher) ? null : BodyGuard.TenantOf(http);
        var origin = new EventSubmissionOrigin(EventSubmissionOrigin.Http, tenant, http.User.Identity?.Name);
        EventSubmissionResult result;
        try
        {
            result = await submitter.SubmitAsync(body, origin, cancellationToken);
        }
        catch (EventBackPressureException ex)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many events", detail: ex.Message);
        }

        var events = result.Outcomes.Select(o => new EventOutcomeResponse(o.Index, o.EventId, StatusName(o.Status), o.Reasons)).ToList();
        var response = new EventSubmissionResponse(
            Count(result, EventOutcomeStatus.Accepted), Count(result, EventOutcomeStatus.Duplicate), Count(result, EventOutcomeStatus.Rejected),
            Count(result, EventOutcomeStatus.Parked), Count(result, EventOutcomeStatus.Failed), events, result.BatchErrors);
        return result.IsBatchRejected
            ? TypedResults.BadRequest(response)
            : TypedResults.Accepted((string?)null, response);
    }

    internal static string StatusName(EventOutcomeStatus status) => status.ToString().ToLowerInvariant();

    private static int Count(EventSubmissionResult result, EventOutcomeStatus status) => result.Outcomes.Count(o => o.Status == status);

    private static async Task<byte[]> ReadBodyAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException("The body is larger than the limit.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string TooLargeDetail => $"The body is larger than {ProductEventLimits.MaxBatchBytes} bytes (at most 100 events).";

    private static ProblemHttpResult TooLarge() => BodyGuard.TooLarge(TooLargeDetail);
}
