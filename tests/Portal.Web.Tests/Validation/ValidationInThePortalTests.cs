using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;
using Portal.Core.Validation;

namespace Portal.Web.Tests.Validation;

[Collection(PortalCollection.Name)]
public sealed class ValidationInThePortalTests(PortalFactory factory)
{
    [Fact]
    public async Task TheRegisteredValidationJobRunsOnTheSeededPortalAndItsReportPageShowsTheRun()
    {
        var job = Assert.Single(factory.Services.GetServices<IPortalJob>(), j => j.Name == "validation");
        var runId = Guid.NewGuid();

        var result = await job.RunAsync(new JobContext(runId, JobContext.ManualTrigger("admin@example.com"), new Progress<JobProgress>()), default);

        Assert.True(result.Succeeded, result.Summary);
        Assert.Equal($"/ops/validation/{runId:D}", result.DetailUrl);
        var report = await factory.Services.GetRequiredService<IValidationReportStore>().GetAsync(runId, null, default);
        Assert.NotNull(report);
        Assert.NotEmpty(report.Partitions);
        // The demo seeder writes the store and the lake together, so they agree.
        Assert.All(report.Partitions, p => Assert.Equal(p.StoreCount, p.LakeCount));

        using var client = factory.CreateClient();
        var page = await client.GetAsync(result.DetailUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"validation-partitions\"", html);
        Assert.Contains($"demo/{report.Partitions[0].Partition.Year:D4}-{report.Partitions[0].Partition.Month:D2}", html);
        Assert.Contains(runId.ToString("D"), await client.GetStringAsync("/ops/validation"));
    }
}
