using Portal.Cli;
using Portal.Cli.Commands;

namespace Portal.Web.Tests.Cli;

/// <summary><c>portal bench http</c>: its options are checked with a clear message, and a short run against the real portal reports figures.</summary>
[Collection(PortalCollection.Name)]
public sealed class BenchHttpCommandTests(PortalFactory portal)
{
    [Theory]
    [InlineData(new string[0], "--url is required")]
    [InlineData(new[] { "--url", "localhost:5000" }, "--url must be an absolute http(s) URL")]
    [InlineData(new[] { "--url", "ftp://localhost/" }, "--url must be an absolute http(s) URL")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--concurrency", "8,,32" }, "--concurrency takes comma-separated whole numbers")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--concurrency", "0" }, "--concurrency takes comma-separated whole numbers")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--concurrency", "5000" }, "from 1 to 1024")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--concurrency", "eight" }, "--concurrency takes comma-separated whole numbers")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--seconds", "-3" }, "--seconds must be a positive integer")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--seconds", "7200" }, "--seconds must be at most 3600")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--batch", "101" }, "--batch must be from 1 to 100")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--tenant", "Not A Tenant" }, "is not a tenant id")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--token", "x", "--dev-user", "admin" }, "not both")]
    [InlineData(new[] { "--url", "http://localhost:5000", "--rate", "5" }, "Unknown option(s) for 'bench http': --rate")]
    public void BadArgumentsAreUsageErrorsThatNameTheOption(string[] options, string message)
    {
        var error = Assert.Throws<CliUsageException>(() => HttpBenchSettings.Parse(options));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodArgumentsAreRead()
    {
        var settings = HttpBenchSettings.Parse(["--url", "http://localhost:5000/", "--concurrency", "4,16", "--seconds", "5", "--dev-user", "analyst", "--batch", "50"]);

        Assert.Equal(new Uri("http://localhost:5000/"), settings.BaseAddress);
        Assert.Equal([4, 16], settings.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Duration);
        Assert.Equal("analyst", settings.DevelopmentUser);
        Assert.Equal(50, settings.EventBatch);
        Assert.Equal("demo", settings.Tenant);
    }

    [Fact]
    public async Task AShortRunAgainstTheRealPortalReportsEveryFigure()
    {
        using var http = portal.CreateClient();
        var output = new StringWriter();
        var settings = new HttpBenchSettings { BaseAddress = http.BaseAddress!, Concurrency = [2], Duration = TimeSpan.FromSeconds(1), EventBatch = 10 };

        var report = await new HttpBench(http, settings, output, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(["pricing, new photo", "pricing, cached photo", "events, batches of 10"], report.Runs.Select(r => r.Name));
        Assert.All(report.Runs, run =>
        {
            Assert.Equal(2, run.Concurrency);
            Assert.True(run.Units > 0, $"{run.Name}: nothing answered");
            Assert.Empty(run.Errors);
            Assert.True(run.P50Ms > 0 && run.P50Ms <= run.P95Ms && run.P95Ms <= run.P99Ms, $"{run.Name}: {run.P50Ms} / {run.P95Ms} / {run.P99Ms}");
        });
        var text = output.ToString();
        Assert.Matches(@"pricing, new photo, 2 clients: \d+ priced in [\d.]+ s = [\d.]+/s; latency p50 \d+ ms, p95 \d+ ms, p99 \d+ ms; shed 429: \d+ \(\d+ with Retry-After\); errors: none; /health/ready max \d+ ms", text);
        Assert.Matches(@"events, batches of 10, 2 clients: \d+ events in", text);
        Assert.Matches(@"floor \(new photo at 2 clients: p99 ≤ 2000 ms, no 5xx\): (met|NOT met)", text);
    }
}
