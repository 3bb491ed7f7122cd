using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Imports.SmartGo;
using Portal.Core.Jobs;
using Portal.Infrastructure.Hosting.Jobs;
using Portal.Infrastructure.SmartGo;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Jobs;

[Collection(PortalCollection.Name)]
public sealed class JobsHostTests(PortalFactory factory)
{
    private HttpClient Client(string user)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}={user}");
        return client;
    }

    [Fact]
    public async Task OpsSeesTheJobsPageWithTheSmartGoImport()
    {
        using var ops = Client("ops@example.com");

        var html = await ops.GetStringAsync("/ops/jobs");

        Assert.Contains("SmartGo import", html);
        Assert.Contains("0 0 2 * * ?", html);
    }

    [Fact]
    public async Task AnAnalystIsSentToAccessDenied()
    {
        using var analyst = Client("analyst@example.com");

        var response = await analyst.GetAsync("/ops/jobs");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/access-denied", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task RunNowWithoutASmartGoConnectionStringRecordsAFailedRunThatSaysWhatToSet()
    {
        var runner = factory.Services.GetRequiredService<JobRunner>();
        var runs = factory.Services.GetRequiredService<IJobRunStore>();

        var started = await runner.TriggerAsync(SmartGoImportJob.JobName, "ops@example.com", default);

        Assert.Equal(JobTriggerOutcome.Started, started.Outcome);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JobRun? run;
        while ((run = await runs.GetAsync(started.RunId!.Value, default))?.Status is null or JobRunStatus.Running)
        {
            await Task.Delay(50, timeout.Token);
        }

        Assert.Equal(JobRunStatus.Failed, run.Status);
        Assert.Contains("SmartGo:ConnectionString is not set", run.Error, StringComparison.Ordinal);
    }
}
