using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Engine;
using Portal.Web.Identity;
using CalculateResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<Portal.Core.Pricing.Engine.PricingSuggestion>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Portal.Web.Api;

/// <summary>
/// <c>POST /api/pricing/calculate</c>: photos plus declared fields in, a <see cref="PricingSuggestion"/> out. The endpoint
/// reads the form; <see cref="PricingService"/> checks it and answers with a <see cref="PriceItemOutcome"/>.
/// </summary>
public static class PricingEndpoints
{
    private static readonly BodyGuardRules Guard = new()
    {
        AcceptsMediaType = request => request.HasFormContentType,
        MediaTypeHint = "Send multipart/form-data with 'images' files and the item's fields.",
        MaxBytes = services => services.GetRequiredService<IOptions<PricingLimits>>().Value.MaxRequestBytes,
        TooLargeDetail = (length, limit) => $"The request is {length} bytes; the limit is {limit}.",
    };

    public static IEndpointRouteBuilder MapPricingApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/pricing").RequireAuthorization(PortalPolicies.Pricing).WithTags("Pricing");
        group.MapPost("/calculate", CalculateAsync)
            .RequireBodyGuard(Guard)
            .DisableAntiforgery()
            .WithName("CalculatePricing")
            .WithSummary("Suggest a price from photos, anchored on visually similar sold items.")
            .Accepts<PricingForm>("multipart/form-data")
            .Produces<PricingSuggestion>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    /// <summary>The form fields, for the OpenAPI document; the handler reads the form itself to control limits and errors.</summary>
    public sealed record PricingForm(IFormFileCollection Images, string Category, string Condition, string? Brand, string? Title, string? ProductId, DateTimeOffset? PricingDate, string[]? Exclude);

    private static async Task<CalculateResult> CalculateAsync(HttpContext http, PricingService pricing, IOptions<PricingLimits> limits, CancellationToken cancellationToken)
    {
        var (form, unreadable) = await FormReader.ReadAsync(http.Request, limits.Value.MaxRequestBytes, cancellationToken);
        if (form is null)
        {
            return unreadable!.Result is ValidationProblem malformed ? malformed : (ProblemHttpResult)unreadable.Result;
        }

        var outcome = await pricing.PriceAsync(new PriceItemSubmission
        {
            Tenant = BodyGuard.TenantOf(http)!.Value,
            Photos = [.. form.Files.GetFiles("images").Select(file => new SubmittedPhoto(file.FileName, file.Length, ct => ReadAsync(file, ct)))],
            Category = form["category"].ToString(),
            Condition = form["condition"].ToString(),
            Brand = form["brand"].ToString(),
            Title = form["title"].ToString(),
            ProductId = form["productId"].ToString(),
            PricingDate = form["pricingDate"].ToString(),
            Exclude = form["exclude"].ToArray(),
        }, cancellationToken);

        return outcome switch
        {
            PriceItemOutcome.Priced priced => TypedResults.Ok(priced.Suggestion),
            PriceItemOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, detail: invalid.Detail),
            PriceItemOutcome.TooLarge tooLarge => BodyGuard.TooLarge(tooLarge.Detail),
            PriceItemOutcome.NotAnImage notAnImage => TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not an image", detail: notAnImage.Detail),
            PriceItemOutcome.CannotPrice cannot => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Cannot price", detail: cannot.Reason),
            PriceItemOutcome.Busy busy => Busy(http, busy),
            _ => throw new InvalidOperationException($"Unknown pricing outcome {outcome.GetType().Name}."),
        };
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Shed, not failed: 429 with Retry-After, as <c>/api/events</c> answers a full pipeline.</summary>
    private static ProblemHttpResult Busy(HttpContext http, PriceItemOutcome.Busy busy)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Busy", detail: busy.Detail);
    }
}
