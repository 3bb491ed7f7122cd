using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;
using Portal.Web.Identity;

namespace Portal.Web.Api;

/// <summary>
/// Batch pricing beside the pricing API: <c>POST /api/pricing/batches</c> (a CSV with a zip of photos, or photos with one
/// category and condition) answers 202 with the status URL; <c>GET …/{id}</c> is the status and progress; <c>GET
/// …/{id}/results</c> the rows as JSON or CSV; <c>POST …/{id}/accept-strong</c> records the strong matches' decisions.
/// The tenant is always the signed-in identity's; another tenant's batch answers 404.
/// </summary>
public static class BatchEndpoints
{
    private static readonly BodyGuardRules Guard = new()
    {
        AcceptsMediaType = request => request.HasFormContentType,
        MediaTypeHint = "Send multipart/form-data with 'csv' and 'zip' files, or 'photos' files with 'category' and 'condition'.",
        MaxBytes = services => services.GetRequiredService<IOptions<BatchOptions>>().Value.MaxUploadBytes,
        TooLargeDetail = (length, limit) => $"The upload is {length} bytes; the limit is {limit}.",
    };

    public static IEndpointRouteBuilder MapBatchPricingApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/pricing").RequireAuthorization(PortalPolicies.Pricing).WithTags("Pricing");
        group.MapPost("/batches", SubmitAsync)
            .RequireBodyGuard(Guard)
            .DisableAntiforgery()
            .WithName("SubmitPricingBatch")
            .WithSummary("Price many items in the background: a CSV (image,category,condition,brand,title) with a zip of photos, or photos with one category and condition.")
            .Accepts<BatchForm>("multipart/form-data")
            .Produces<BatchStatusView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/batches", ListAsync).WithName("ListPricingBatches").WithSummary("The signed-in tenant's latest batches.").Produces<IReadOnlyList<BatchStatusView>>();
        group.MapGet("/batches/{id}", StatusAsync).WithName("GetPricingBatch").WithSummary("A batch's status, progress and counts.")
            .Produces<BatchStatusView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/batches/{id}/results", ResultsAsync).WithName("GetPricingBatchResults")
            .WithSummary("A batch's rows: JSON, or CSV with 'Accept: text/csv' or '?format=csv'.")
            .Produces<IReadOnlyList<BatchRowView>>().Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/batches/{id}/accept-strong", AcceptStrongAsync).DisableAntiforgery().WithName("AcceptStrongBatchMatches")
            .WithSummary("Records an accepted decision for every strong match that has none yet (idempotent per row).")
            .Produces<AcceptStrongView>().ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>The form fields, for the OpenAPI document; the handler reads the form itself to control limits and errors.</summary>
    public sealed record BatchForm(IFormFile? Csv, IFormFile? Zip, IFormFileCollection? Photos, string? Category, string? Condition);

    private static async Task<IResult> SubmitAsync(HttpContext http, BatchSubmitter submitter, IOptions<BatchOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var (form, unreadable) = await FormReader.ReadAsync(http.Request, limits.MaxUploadBytes, cancellationToken, valueCountLimit: limits.MaxRows + 16);
        if (form is null)
        {
            return unreadable!.Result;
        }

        var tenant = BodyGuard.TenantOf(http)!.Value;
        var userName = http.User.Identity?.Name ?? "unknown";
        var csv = form.Files.GetFile("csv");
        var zip = form.Files.GetFile("zip");
        var photos = form.Files.GetFiles("photos");
        BatchUpload upload;
        if (csv is not null && zip is not null && photos.Count == 0)
        {
            upload = new BatchUpload.CsvWithZip(FileOf(csv), FileOf(zip)) { Tenant = tenant, UserName = userName };
        }
        else if (csv is null && zip is null && photos.Count > 0)
        {
            upload = new BatchUpload.Photos([.. photos.Select(FileOf)], form["category"].ToString(), form["condition"].ToString()) { Tenant = tenant, UserName = userName };
        }
        else
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["form"] = ["Send either 'csv' and 'zip' files, or 'photos' files with 'category' and 'condition'."],
            });
        }

        return await submitter.SubmitAsync(upload, cancellationToken) switch
        {
            BatchSubmitOutcome.Accepted accepted => Accepted(accepted),
            BatchSubmitOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, detail: invalid.Detail),
            BatchSubmitOutcome.TooLarge tooLarge => BodyGuard.TooLarge(tooLarge.Detail),
            var other => throw new InvalidOperationException($"Unknown batch outcome {other.GetType().Name}."),
        };
    }

    private static AcceptedAtRoute<BatchStatusView> Accepted(BatchSubmitOutcome.Accepted accepted) =>
        TypedResults.AcceptedAtRoute(BatchStatusView.From(accepted.Batch, accepted.Counts, accepted.Problems), "GetPricingBatch", new { id = accepted.Batch.BatchId });

    private static async Task<IResult> ListAsync(HttpContext http, IPricingBatchStore store, CancellationToken cancellationToken)
    {
        if (!http.User.TryGetTenant(out var tenant))
        {
            return NoTenant();
        }

        var views = new List<BatchStatusView>();
        foreach (var batch in await store.ListAsync(tenant, 50, cancellationToken))
        {
            views.Add(BatchStatusView.From(batch, BatchCounts.Of(await store.GetRowsAsync(tenant, batch.BatchId, cancellationToken)), null));
        }

        return TypedResults.Ok(views);
    }

    private static async Task<IResult> StatusAsync(HttpContext http, string id, IPricingBatchStore store, CancellationToken cancellationToken)
    {
        if (!http.User.TryGetTenant(out var tenant))
        {
            return NoTenant();
        }

        if (await store.GetAsync(tenant, id, cancellationToken) is not { } batch)
        {
            return NotFound(id);
        }

        var rows = await store.GetRowsAsync(tenant, id, cancellationToken);
        var problems = rows.Where(r => r.Status == BatchRowStatus.Invalid).Select(r => new BatchRowProblem(r.Line, r.ImageName, r.Error ?? string.Empty)).ToArray();
        return TypedResults.Ok(BatchStatusView.From(batch, BatchCounts.Of(rows), problems));
    }

    private static async Task<IResult> ResultsAsync(HttpContext http, string id, string? format, IPricingBatchStore store, CancellationToken cancellationToken)
    {
        if (!http.User.TryGetTenant(out var tenant))
        {
            return NoTenant();
        }

        if (await store.GetAsync(tenant, id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var rows = await store.GetRowsAsync(tenant, id, cancellationToken);
        var wantsCsv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            || http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        return wantsCsv
            ? TypedResults.Text(BatchCsv.Write(rows), "text/csv; charset=utf-8", Encoding.UTF8)
            : TypedResults.Ok(rows.Select(BatchRowView.From).ToArray());
    }

    private static async Task<IResult> AcceptStrongAsync(HttpContext http, string id, BatchDecisions decisions, CancellationToken cancellationToken)
    {
        if (!http.User.TryGetTenant(out var tenant))
        {
            return NoTenant();
        }

        var accepted = await decisions.AcceptStrongMatchesAsync(tenant, id, http.User.Identity?.Name ?? "unknown", cancellationToken);
        return accepted is { } count ? TypedResults.Ok(new AcceptStrongView(count)) : NotFound(id);
    }

    private static BatchFile FileOf(IFormFile file) => new(file.FileName, file.Length, _ => Task.FromResult(file.OpenReadStream()));

    private static ProblemHttpResult NoTenant() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The signed-in identity is not mapped to a tenant.");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown batch", detail: $"No batch '{(id.Length <= 64 ? id : id[..64])}' in your tenant.");
}

/// <summary>A batch's status as the API answers it; <c>progress</c> is done rows over all rows, 0 to 1.</summary>
public sealed record BatchStatusView(
    string Id, string Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string CreatedBy,
    BatchCounts Counts, double Progress, IReadOnlyList<BatchRowProblem>? Problems, string StatusUrl, string ResultsUrl)
{
    public static BatchStatusView From(PricingBatch batch, BatchCounts counts, IReadOnlyList<BatchRowProblem>? problems) => new(
        batch.BatchId,
        batch.Name,
        BatchStoreRules.StatusText(batch.Status),
        batch.CreatedAt,
        batch.CompletedAt,
        batch.CreatedBy,
        counts,
        counts.Total == 0 ? 1 : Math.Round((double)counts.Done / counts.Total, 4),
        problems,
        $"/api/pricing/batches/{batch.BatchId}",
        $"/api/pricing/batches/{batch.BatchId}/results");
}

/// <summary>One row as the results answer it.</summary>
public sealed record BatchRowView(
    int Line, string Image, string Category, string Condition, string? Brand, string? Title, string Status, string? Error,
    decimal? Price, decimal? RangeLow, decimal? RangeHigh, string? Currency, double? Confidence, string Verdict, IReadOnlyList<string> Flags,
    string? Fallback, int? Comparables, string? DecisionId)
{
    public static BatchRowView From(BatchRow row) => new(
        row.Line, row.ImageName, row.Category, row.Condition, row.Brand, row.Title, BatchCsv.StatusName(row.Status), row.Error,
        row.Price?.Price, row.Price?.RangeLow, row.Price?.RangeHigh, row.Price?.Currency, row.Price?.Confidence,
        BatchCsv.VerdictName(row.Verdict), row.Flags, row.Price?.Fallback, row.Price?.Comparables, row.DecisionId);
}

public sealed record AcceptStrongView(int Accepted);
