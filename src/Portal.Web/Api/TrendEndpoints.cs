using System.Globalization;
using Portal.Web.Identity;

namespace Portal.Web.Api;

/// <summary>
/// <c>GET /api/trends/monthly</c>: the Trends page's monthly panel (average price and sales per month and category) as JSON,
/// for the signed-in tenant only (policy <c>Trends</c>). The same <see cref="ISalesAnalytics"/> query the page runs, so
/// <c>portal smoke</c> and monitors can read the analytics path (DuckDB or Athena) without a browser.
/// </summary>
public static class TrendEndpoints
{
    public static IEndpointRouteBuilder MapTrendsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/trends/monthly", MonthlyAsync)
            .RequireAuthorization(PortalPolicies.Trends)
            .WithTags("Trends")
            .WithName("MonthlyTrend")
            .WithSummary("Monthly average price and sales per category for the signed-in tenant; from inclusive, to exclusive (UTC dates).")
            .Produces<IReadOnlyList<MonthlyTrendRow>>()
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<IResult> MonthlyAsync(HttpContext http, ISalesAnalytics analytics, TimeProvider time, string? category, string? brand, string? from, string? to, CancellationToken cancellationToken)
    {
        if (!http.User.TryGetTenant(out var tenant))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The signed-in identity is not mapped to a tenant.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fromDate = ParseDate(from, "from", errors);
        var toDate = ParseDate(to, "to", errors);
        if (category is { Length: > 64 })
        {
            errors["category"] = ["must be at most 64 characters."];
        }

        if (brand is { Length: > 100 })
        {
            errors["brand"] = ["must be at most 100 characters."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        // The page's default window: the last 24 months.
        var today = time.GetUtcNow().UtcDateTime.Date;
        var filter = new AnalyticsFilter(
            string.IsNullOrWhiteSpace(category) ? null : category,
            string.IsNullOrWhiteSpace(brand) ? null : brand,
            fromDate ?? new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-23),
            toDate);
        return Results.Ok(await analytics.MonthlyTrendAsync(tenant, filter, cancellationToken));
    }

    private static DateTimeOffset? ParseDate(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        errors[name] = ["must be a date as yyyy-MM-dd."];
        return null;
    }
}
