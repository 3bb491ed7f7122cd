using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Portal.Pricing.Application;
using Portal.Pricing.Engine;
using Portal.Web.Identity;

namespace Portal.Web.Api;

/// <summary><c>POST /api/pricing/calculate</c>: photos plus declared fields in, a <see cref="PricingSuggestion"/> out.</summary>
public static class PricingEndpoints
{
    public static IEndpointRouteBuilder MapPricingApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/pricing").RequireAuthorization(PortalPolicies.Pricing).WithTags("Pricing");
        group.MapPost("/calculate", CalculateAsync)
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

    private static async Task<IResult> CalculateAsync(HttpContext http, PricingService pricing, IOptions<PricingLimits> limits, CancellationToken cancellationToken)
    {
        if (!http.User.TryGetTenant(out var tenant))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The signed-in identity is not mapped to a tenant.");
        }

        var settings = limits.Value;
        if (!http.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send multipart/form-data with 'images' files and the item's fields.");
        }

        if (http.Request.ContentLength > settings.MaxRequestBytes)
        {
            return TooLarge($"The request is {http.Request.ContentLength} bytes; the limit is {settings.MaxRequestBytes}.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = settings.MaxRequestBytes;
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = settings.MaxRequestBytes,
                ValueCountLimit = 64,
                ValueLengthLimit = 4096,
            }, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge($"The request is larger than {settings.MaxRequestBytes} bytes.");
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's framing errors (400) and a body that stopped arriving (408): the caller's problem, never a 500.
            return Results.Problem(statusCode: ex.StatusCode, title: "Unreadable request body", detail: ex.Message);
        }
        catch (InvalidDataException ex)
        {
            return ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge($"The request exceeds a limit: {ex.Message}")
                : MalformedBody(ex.Message);
        }
        catch (IOException ex)
        {
            // The multipart reader ends with an IOException when the body stops before its closing boundary.
            return MalformedBody(ex.Message);
        }

        var errors = new Dictionary<string, string[]>();
        var files = form.Files.GetFiles("images");
        var images = new List<ReadOnlyMemory<byte>>(files.Count);
        if (files.Count <= settings.MaxImages)
        {
            foreach (var file in files)
            {
                if (file.Length > settings.MaxImageBytes)
                {
                    return TooLarge($"'{file.FileName}' is {file.Length} bytes; the limit per photo is {settings.MaxImageBytes}.");
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, cancellationToken);
                images.Add(buffer.ToArray());
            }
        }
        else
        {
            images.AddRange(files.Select(_ => ReadOnlyMemory<byte>.Empty));
        }

        DateTimeOffset? pricingDate = null;
        if (form["pricingDate"].ToString() is { Length: > 0 } dateText)
        {
            if (DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                pricingDate = parsed;
            }
            else
            {
                errors["pricingDate"] = [$"'{dateText}' is not an ISO-8601 date."];
            }
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var exclude = form["exclude"]
            .SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        var outcome = await pricing.PriceAsync(new PriceItemRequest
        {
            Tenant = tenant,
            Images = images,
            Category = form["category"].ToString(),
            Condition = form["condition"].ToString(),
            Brand = form["brand"].ToString(),
            Title = form["title"].ToString(),
            ProductId = form["productId"].ToString(),
            PricingDate = pricingDate,
            ExcludedSaleIds = exclude,
        }, cancellationToken);

        return outcome.Failure switch
        {
            PriceItemFailure.None => Results.Ok(outcome.Suggestion),
            PriceItemFailure.InvalidFields => Results.ValidationProblem(outcome.Errors.ToDictionary(), detail: outcome.Detail),
            PriceItemFailure.TooLarge => TooLarge(outcome.Detail!),
            PriceItemFailure.UnsupportedMedia => Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not an image", detail: outcome.Detail),
            PriceItemFailure.CannotPrice => Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Cannot price", detail: outcome.Detail),
            PriceItemFailure.Busy => Busy(http, outcome),
            _ => Results.Problem(outcome.Detail),
        };
    }

    private static IResult MalformedBody(string reason) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["form"] = [$"Malformed multipart body: {reason}"] });

    /// <summary>Shed, not failed: 429 with Retry-After, as <c>/api/events</c> answers a full pipeline.</summary>
    private static IResult Busy(HttpContext http, PriceItemOutcome outcome)
    {
        var retryAfter = outcome.RetryAfter ?? TimeSpan.FromSeconds(1);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Busy", detail: outcome.Detail);
    }

    private static IResult TooLarge(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: detail);
}
