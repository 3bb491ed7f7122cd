using System.Net;
using System.Text;
using Portal.Cli.Commands;

namespace Portal.Web.Tests.Cli;

/// <summary><c>portal smoke</c> against the real portal (embedded default, demo tenant, development sign-in).</summary>
[Collection(PortalCollection.Name)]
public sealed class SmokeCommandTests(PortalFactory portal)
{
    [Fact]
    public async Task EveryCheckPassesOnAHealthyPortalWithOneLineEach()
    {
        using var http = portal.CreateClient();
        var output = new StringWriter();

        var failures = await new PortalSmokeTest(http, new SmokeSettings(), output, TimeProvider.System).RunAsync(CancellationToken.None);

        var lines = Lines(output);
        Assert.Equal(0, failures);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^PASS health \d+ ms \(Healthy\)$", lines[0]);
        Assert.Matches(@"^PASS price \d+ ms \(\d+\.\d\d [A-Z]{3}, \d+ comparables\)$", lines[1]);
        Assert.Matches(@"^PASS event \d+ ms \(accepted, tenant demo\)$", lines[2]);
        Assert.Matches(@"^PASS trends \d+ ms \(\d+ monthly rows\)$", lines[3]);
    }

    [Fact]
    public async Task ABrokenCheckPrintsItsStatusAndTheOthersStillRun()
    {
        using var http = portal.CreateDefaultClient(new FailingPricingHandler());
        var output = new StringWriter();

        var failures = await new PortalSmokeTest(http, new SmokeSettings(), output, TimeProvider.System).RunAsync(CancellationToken.None);

        var lines = Lines(output);
        Assert.Equal(1, failures);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("PASS health ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^FAIL price: 500 Internal Server Error — Pricing is down: the model did not load \(\d+ ms\)$", lines[1]);
        Assert.StartsWith("PASS event ", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("PASS trends ", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdentityWithoutTheRolesFailsTheEventAndTrendsChecks()
    {
        using var http = portal.CreateClient();
        http.DefaultRequestHeaders.Add("Cookie", "portal.dev-user=analyst@example.com");
        var output = new StringWriter();

        var failures = await new PortalSmokeTest(http, new SmokeSettings(), output, TimeProvider.System).RunAsync(CancellationToken.None);

        var lines = Lines(output);
        Assert.Equal(2, failures);
        Assert.StartsWith("PASS health ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("PASS price ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("FAIL event: 403 Forbidden", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("FAIL trends: 403 Forbidden", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventForAnotherTenantIsReportedAsNotAccepted()
    {
        using var http = portal.CreateClient();
        var output = new StringWriter();

        var failures = await new PortalSmokeTest(http, new SmokeSettings { Tenant = "other" }, output, TimeProvider.System).RunAsync(CancellationToken.None);

        var lines = Lines(output);
        Assert.Equal(1, failures);
        Assert.Matches(@"^FAIL event: 202 but the event was rejected: .+", lines[2]);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Answers the pricing endpoint with a 500 problem document; everything else reaches the portal.</summary>
    private sealed class FailingPricingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath == "/api/pricing/calculate"
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)
                {
                    ReasonPhrase = "Internal Server Error",
                    Content = new StringContent("""{"title":"Pricing is down","detail":"the model did not load","status":500}""", Encoding.UTF8, "application/problem+json"),
                })
                : base.SendAsync(request, cancellationToken);
    }
}
