using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Infrastructure.Demo;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal smoke --url URL [--tenant T] [--token JWT] [--dev-user NAME] [--timeout SECONDS]</c>: checks a running portal from
/// the outside — readiness, pricing the bundled sample photo, posting a test event, reading the trends — one line per check,
/// exit code 0 only when every check passed.
/// </summary>
internal static class SmokeCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, CancellationToken cancellationToken)
    {
        arguments.AllowOnly("url", "tenant", "token", "dev-user", "timeout");
        var url = arguments.Require("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--url must be an absolute http(s) URL, not '{url}'.");
        }

        var settings = new SmokeSettings { Tenant = arguments.Get("tenant") ?? SmokeSettings.DefaultTenant };
        if (!Portal.Core.Sales.TenantId.TryParse(settings.Tenant, out _))
        {
            throw new CliUsageException($"--tenant '{settings.Tenant}' is not a tenant id (lower-case letters, digits, dashes).");
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(arguments.GetInt("timeout", 60)) };
        if (arguments.Get("token") is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (arguments.Get("dev-user") is { } devUser)
        {
            // The development sign-in picks its user from this cookie (Development environment only).
            http.DefaultRequestHeaders.Add("Cookie", "portal.dev-user=" + Uri.EscapeDataString(devUser));
        }

        var failures = await new PortalSmokeTest(http, settings, Console.Out, TimeProvider.System).RunAsync(cancellationToken);
        return failures == 0 ? 0 : 1;
    }
}

/// <summary>What the smoke test prices and where it posts its event.</summary>
public sealed record SmokeSettings
{
    public const string DefaultTenant = "demo";

    /// <summary>The tenant of the test event: the signed-in user's own tenant, or any tenant the publisher app may post for.</summary>
    public string Tenant { get; init; } = DefaultTenant;

    public string Category { get; init; } = "shoes";

    public string Condition { get; init; } = "very_good";
}

/// <summary>The smoke checks against a portal reached through <paramref name="http"/> (its base address is the portal).</summary>
public sealed class PortalSmokeTest(HttpClient http, SmokeSettings settings, TextWriter output, TimeProvider time)
{
    /// <summary>Runs every check (a failing one does not stop the others) and returns how many failed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        foreach (var (name, check) in new (string, Func<CancellationToken, Task<CheckResult>>)[]
                 {
                     ("health", HealthAsync),
                     ("price", PriceAsync),
                     ("event", EventAsync),
                     ("trends", TrendsAsync),
                 })
        {
            var started = time.GetTimestamp();
            CheckResult result;
            try
            {
                result = await check(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                result = CheckResult.Fail(ex is TaskCanceledException ? "timed out" : ex.Message);
            }

            var elapsed = ((long)time.GetElapsedTime(started).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            if (result.Passed)
            {
                await output.WriteLineAsync($"PASS {name} {elapsed} ms{(result.Detail is null ? "" : " (" + result.Detail + ")")}");
            }
            else
            {
                failures++;
                await output.WriteLineAsync($"FAIL {name}: {result.Detail} ({elapsed} ms)");
            }
        }

        return failures;
    }

    private async Task<CheckResult> HealthAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("health/ready", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = TryReadJson(body)?["status"]?.GetValue<string>();
        return response.StatusCode == HttpStatusCode.OK
            ? CheckResult.Pass(status)
            : CheckResult.Fail(Status(response, status ?? Shorten(body)));
    }

    private async Task<CheckResult> PriceAsync(CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var photo = new ByteArrayContent(DemoSamples.ShoePhoto.ToArray());
        photo.Headers.ContentType = new MediaTypeHeaderValue(DemoSamples.ShoeContentType);
        form.Add(photo, "images", DemoSamples.ShoeFile);
        form.Add(new StringContent(settings.Category), "category");
        form.Add(new StringContent(settings.Condition), "condition");
        using var response = await http.PostAsync("api/pricing/calculate", form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return CheckResult.Fail(Status(response, Problem(body)));
        }

        var suggestion = TryReadJson(body);
        if (suggestion?["price"] is not JsonValue price || !price.TryGetValue<decimal>(out var amount))
        {
            return CheckResult.Fail("200 without a price in the answer");
        }

        var comparables = suggestion["comparables"] is JsonArray list ? list.Count : 0;
        return CheckResult.Pass(string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} {suggestion["currency"]?.GetValue<string>()}, {comparables} comparables"));
    }

    private async Task<CheckResult> EventAsync(CancellationToken cancellationToken)
    {
        // A listing of a product nobody else uses: it moves no sale, and a rerun never collides with an earlier one.
        var now = time.GetUtcNow();
        var productId = $"smoke-{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..40];
        var envelope = new JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "product.listed",
            ["source"] = "carousel.products",
            ["time"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["resources"] = new JsonArray(),
            ["detail"] = new JsonObject
            {
                ["tenantId"] = settings.Tenant,
                ["productId"] = productId,
                ["category"] = settings.Category,
                ["brand"] = "Nordvik",
                ["condition"] = settings.Condition,
                ["title"] = "Smoke test listing",
                ["askingPrice"] = 1.00m,
                ["currency"] = "EUR",
            },
        };
        using var content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("api/events", content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return CheckResult.Fail(Status(response, Problem(body)));
        }

        var outcome = TryReadJson(body)?["events"]?.AsArray().FirstOrDefault();
        var status = outcome?["status"]?.GetValue<string>();
        return status is "accepted" or "duplicate"
            ? CheckResult.Pass($"{status}, tenant {settings.Tenant}")
            : CheckResult.Fail($"202 but the event was {status ?? "not reported"}: {Shorten(outcome?["reasons"]?.ToJsonString() ?? body)}");
    }

    private async Task<CheckResult> TrendsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("api/trends/monthly", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return CheckResult.Fail(Status(response, Problem(body)));
        }

        return TryReadJson(body) is JsonArray rows
            ? CheckResult.Pass(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} monthly rows"))
            : CheckResult.Fail("200 without a list of monthly rows");
    }

    private static string Status(HttpResponseMessage response, string? detail) =>
        $"{(int)response.StatusCode} {response.ReasonPhrase}{(string.IsNullOrWhiteSpace(detail) ? "" : " — " + detail)}";

    /// <summary>The title and detail of a problem document, else the start of the body.</summary>
    private static string? Problem(string body) =>
        TryReadJson(body) is JsonObject problem && problem["title"] is not null
            ? string.Join(": ", new[] { problem["title"]?.ToString(), problem["detail"]?.ToString() }.Where(s => !string.IsNullOrWhiteSpace(s)))
            : Shorten(body);

    private static JsonNode? TryReadJson(string body)
    {
        try
        {
            return string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text.ReplaceLineEndings(" ") : text[..200].ReplaceLineEndings(" ") + "…";

    private sealed record CheckResult(bool Passed, string? Detail)
    {
        public static CheckResult Pass(string? detail) => new(true, detail);

        public static CheckResult Fail(string detail) => new(false, detail);
    }
}
