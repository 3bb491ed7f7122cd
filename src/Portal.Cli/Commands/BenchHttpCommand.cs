using System.Globalization;
using System.Net.Http.Headers;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench http --url URL [--concurrency 8,32] [--seconds 30] [--token JWT | --dev-user NAME] [--tenant T] [--batch 100]</c>:
/// a bounded load run against a running portal — pricing with a new photo per request, pricing one cached photo, and event
/// batches — at each concurrency, while <c>/health/ready</c> is probed in parallel.
/// </summary>
internal static class BenchHttpCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, CancellationToken cancellationToken)
    {
        var settings = ParseSettings(arguments);
        using var http = CreateClient(settings);
        var report = await new HttpBench(http, settings, Console.Out, TimeProvider.System).RunAsync(cancellationToken);
        return report.FloorMet ? 0 : 1;
    }

    /// <summary>Checks every option; a bad one is a usage error naming it.</summary>
    public static HttpBenchSettings ParseSettings(CliArguments arguments)
    {
        arguments.AllowOnly("url", "concurrency", "seconds", "token", "dev-user", "tenant", "batch");
        var url = arguments.Require("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--url must be an absolute http(s) URL, not '{url}'.");
        }

        var levels = new List<int>();
        foreach (var part in (arguments.Get("concurrency") ?? "8,32").Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var level) || level is < 1 or > HttpBenchSettings.MaxConcurrency)
            {
                throw new CliUsageException($"--concurrency takes comma-separated whole numbers from 1 to {HttpBenchSettings.MaxConcurrency} (e.g. 8,32), not '{arguments.Get("concurrency")}'.");
            }

            levels.Add(level);
        }

        var seconds = arguments.GetInt("seconds", 30);
        if (seconds > HttpBenchSettings.MaxSeconds)
        {
            throw new CliUsageException($"--seconds must be at most {HttpBenchSettings.MaxSeconds}: a run is bounded.");
        }

        var batch = arguments.GetInt("batch", 100);
        if (batch > 100)
        {
            throw new CliUsageException("--batch must be from 1 to 100 (the events API takes at most 100 per request).");
        }

        var tenant = arguments.Get("tenant") ?? "demo";
        if (!Portal.Core.Sales.TenantId.TryParse(tenant, out _))
        {
            throw new CliUsageException($"--tenant '{tenant}' is not a tenant id (lower-case letters, digits, dashes).");
        }

        if (arguments.Has("token") && arguments.Has("dev-user"))
        {
            throw new CliUsageException("Give --token (a JWT, Entra ID sign-in) or --dev-user (development sign-in), not both.");
        }

        return new HttpBenchSettings
        {
            BaseAddress = baseAddress,
            Concurrency = levels,
            Duration = TimeSpan.FromSeconds(seconds),
            Token = arguments.Get("token"),
            DevelopmentUser = arguments.Get("dev-user"),
            Tenant = tenant,
            EventBatch = batch,
        };
    }

    private static HttpClient CreateClient(HttpBenchSettings settings)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4 * HttpBenchSettings.MaxConcurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler) { BaseAddress = settings.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (settings.Token is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (settings.DevelopmentUser is { } user)
        {
            // The development sign-in picks its user from this cookie (Development environment only).
            http.DefaultRequestHeaders.Add("Cookie", "portal.dev-user=" + Uri.EscapeDataString(user));
        }

        return http;
    }
}

/// <summary>What <c>portal bench http</c> runs.</summary>
public sealed record HttpBenchSettings
{
    public const int MaxConcurrency = 1024;
    public const int MaxSeconds = 3600;

    public required Uri BaseAddress { get; init; }

    public IReadOnlyList<int> Concurrency { get; init; } = [8, 32];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public string? Token { get; init; }

    public string? DevelopmentUser { get; init; }

    public string Tenant { get; init; } = "demo";

    public int EventBatch { get; init; } = 100;

    /// <summary>Reads the options of <c>portal bench http</c> (what follows the command words); a bad one throws <see cref="CliUsageException"/>.</summary>
    public static HttpBenchSettings Parse(IEnumerable<string> options) =>
        BenchHttpCommand.ParseSettings(CliArguments.Parse(["bench", "http", .. options], new HashSet<string>(StringComparer.Ordinal)));
}

/// <summary>One run's figures.</summary>
public sealed record HttpBenchRun(
    string Name,
    int Concurrency,
    TimeSpan Elapsed,
    int Answered,
    int Units,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    int Shed,
    int ShedWithRetryAfter,
    IReadOnlyDictionary<string, int> Errors,
    double HealthMaxMs,
    int HealthSlowOrFailed)
{
    public double UnitsPerSecond => Units / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public int ServerErrors => Errors.Where(e => e.Key.StartsWith('5')).Sum(e => e.Value);
}

public sealed record HttpBenchReport(IReadOnlyList<HttpBenchRun> Runs, bool FloorMet);
