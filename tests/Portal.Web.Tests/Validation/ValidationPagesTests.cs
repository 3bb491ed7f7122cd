using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Validation;
using Portal.Web.Components.Pages.Validation;
using Portal.Web.Identity;
using Portal.Web.Tests.Components;

namespace Portal.Web.Tests.Validation;

public sealed class ValidationPagesTests : PortalComponentTestBase
{
    private readonly ValidationPageBed _bed = new();

    public ValidationPagesTests()
    {
        Services.AddSingleton<IValidationReportStore>(_bed.Reports);
        Services.AddSingleton<ILakeRepairer>(_bed.Repairer);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _bed.Dispose();
        }
    }

    private void SignInAs(string role, string tenant = TenantValue)
    {
        Authorization.SetAuthorized($"{role.ToLowerInvariant()}@example.test");
        Authorization.SetRoles(role);
        Authorization.SetClaims(new Claim(PortalClaims.Tenant, tenant));
    }

    [Fact]
    public async Task RunsListShowsNewestFirstWithStatusDurationPartitionsAndAlerts()
    {
        SignInAs(PortalRoles.Admin);
        await _bed.AddAsync("demo", 2025, 12, 40, inLake: 40);
        var clean = await _bed.RunAsync();
        await _bed.AddAsync("other", 2025, 11, 20, inLake: 10);
        var drifting = await _bed.RunAsync();

        var page = Render<ValidationRuns>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=validation-run]").Count));
        var rows = page.FindAll("[data-testid=validation-run]");
        Assert.Equal(drifting.ToString("D"), rows[0].GetAttribute("data-run-id"));
        Assert.Equal(clean.ToString("D"), rows[1].GetAttribute("data-run-id"));
        Assert.Contains("Succeeded", rows[0].QuerySelector("[data-testid=run-status]")!.TextContent);
        Assert.Equal("2", rows[0].QuerySelector("[data-testid=run-partitions]")!.TextContent.Trim());
        Assert.Equal("1", rows[0].QuerySelector("[data-testid=run-over]")!.TextContent.Trim());
        Assert.Equal("1", rows[0].QuerySelector("[data-testid=run-alerts]")!.TextContent.Trim());
        Assert.Equal("0", rows[1].QuerySelector("[data-testid=run-alerts]")!.TextContent.Trim());
        Assert.EndsWith(" s", rows[0].QuerySelector("[data-testid=run-duration]")!.TextContent.Trim());
        Assert.Contains($"ops/validation/{drifting:D}", rows[0].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task OpsSeeTheirOwnTenantsCountsOnly()
    {
        SignInAs(PortalRoles.Ops);
        await _bed.AddAsync("demo", 2025, 12, 40, inLake: 40);
        await _bed.AddAsync("other", 2025, 11, 20, inLake: 10);
        await _bed.RunAsync();

        var page = Render<ValidationRuns>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=validation-run]")));
        Assert.Equal("1", page.Find("[data-testid=run-partitions]").TextContent.Trim());
        Assert.Equal("0", page.Find("[data-testid=run-over]").TextContent.Trim());
        Assert.Equal("0", page.Find("[data-testid=run-alerts]").TextContent.Trim());
        Assert.Contains("demo", page.Find("[data-testid=validation-scope]").TextContent);
    }

    [Fact]
    public void RunsListSaysSoWhenNothingHasRun()
    {
        SignInAs(PortalRoles.Ops);

        var page = Render<ValidationRuns>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=validation-empty]")));
    }

    [Fact]
    public async Task AManagerSeesNoReportsEvenWithoutThePagePolicy()
    {
        await _bed.AddAsync("demo", 2025, 12, 10, inLake: 5);
        var runId = await _bed.RunAsync();

        var list = Render<ValidationRuns>();
        var detail = Render<ValidationRunDetail>(p => p.Add(x => x.RunId, runId));

        Assert.NotNull(list.Find("[data-testid=validation-denied]"));
        Assert.NotNull(detail.Find("[data-testid=validation-denied]"));
        Assert.Empty(detail.FindAll("[data-testid=partition-row]"));
    }

    [Fact]
    public async Task DetailHighlightsThePartitionsOverTheThresholdAndListsFindingsAndAlerts()
    {
        SignInAs(PortalRoles.Admin);
        await _bed.AddAsync("demo", 2025, 12, 40, inLake: 30);
        await _bed.AddAsync("demo", 2025, 11, 40, inLake: 40, price: 0m);
        var runId = await _bed.RunAsync();

        var page = Render<ValidationRunDetail>(p => p.Add(x => x.RunId, runId));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=partition-row]").Count));
        var december = page.Find("[data-partition='demo/2025-12']");
        Assert.Contains("variance-over", december.ClassList);
        Assert.Equal("25.0 %", december.QuerySelector("[data-testid=variance]")!.TextContent.Trim());
        Assert.Equal("40", december.QuerySelector("[data-testid=store-count]")!.TextContent.Trim());
        Assert.Equal("30", december.QuerySelector("[data-testid=lake-count]")!.TextContent.Trim());
        Assert.NotNull(december.QuerySelector("[data-testid=repair-dry-run]"));
        var november = page.Find("[data-partition='demo/2025-11']");
        Assert.DoesNotContain("variance-over", november.ClassList);
        Assert.Null(november.QuerySelector("[data-testid=repair-dry-run]"));
        Assert.Contains(page.FindAll("[data-testid=finding-row]"), r => r.GetAttribute("data-kind") == nameof(ValidationFindingKind.NonPositivePrice));
        Assert.Contains("Store and lake disagree for demo", page.Find("[data-testid=alert]").TextContent);
        Assert.Contains("5.0 %", page.Find("[data-testid=run-threshold]").TextContent);
    }

    [Fact]
    public async Task RepairIsADryRunFirstThenAConfirmedApplyAndBothAreAudited()
    {
        SignInAs(PortalRoles.Ops);
        await _bed.AddAsync("demo", 2025, 12, 40, inLake: 30);
        var runId = await _bed.RunAsync();
        var page = Render<ValidationRunDetail>(p => p.Add(x => x.RunId, runId));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=repair-dry-run]")));

        page.Find("[data-testid=repair-dry-run]").Click();

        page.WaitForAssertion(() => Assert.Contains("10 lake row(s) would be written", page.Find("[data-testid=repair-plan-summary]").TextContent));
        Assert.Contains("demo-202512-30", page.Find("[data-testid=repair-plan-ids]").TextContent);
        Assert.Single(page.FindAll("[data-testid=audit-row]"));
        Assert.Empty(page.FindAll("[data-testid=repair-confirm]"));

        page.Find("[data-testid=repair-apply]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=repair-confirm]")));
        page.Find("[data-testid=repair-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("Wrote 10 lake row(s)", page.Find("[data-testid=repair-applied]").TextContent));
        var audit = page.FindAll("[data-testid=audit-row]");
        Assert.Equal(2, audit.Count);
        Assert.Contains("ops@example.test", audit[0].TextContent);
        var recheck = await _bed.Validator.ValidateAsync(null, default);
        Assert.Equal(40, Assert.Single(recheck.Partitions).LakeCount);
    }

    [Fact]
    public async Task CancellingTheConfirmationWritesNothing()
    {
        SignInAs(PortalRoles.Admin);
        await _bed.AddAsync("demo", 2025, 12, 20, inLake: 10);
        var runId = await _bed.RunAsync();
        var page = Render<ValidationRunDetail>(p => p.Add(x => x.RunId, runId));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=repair-dry-run]")));

        page.Find("[data-testid=repair-dry-run]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=repair-apply]")));
        page.Find("[data-testid=repair-apply]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=repair-cancel]")));
        page.Find("[data-testid=repair-cancel]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=repair-plan]")));
        Assert.Equal(10, Assert.Single((await _bed.Validator.ValidateAsync(null, default)).Partitions).LakeCount);
        Assert.All(await _bed.Reports.ListRepairAuditAsync(null, runId, 10, default), a => Assert.True(a.DryRun));
    }

    [Fact]
    public async Task OpsCannotSeeOrRepairAnotherTenantsPartitions()
    {
        SignInAs(PortalRoles.Ops);
        await _bed.AddAsync("demo", 2025, 12, 10, inLake: 10);
        await _bed.AddAsync("other", 2025, 12, 20, inLake: 5);
        var runId = await _bed.RunAsync();

        var page = Render<ValidationRunDetail>(p => p.Add(x => x.RunId, runId));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=partition-row]")));
        Assert.Empty(page.FindAll("[data-partition='other/2025-12']"));
        Assert.Empty(page.FindAll("[data-testid=repair-dry-run]"));
        Assert.DoesNotContain("other", page.Find("[data-testid=validation-partitions]").TextContent);
        Assert.NotNull(page.Find("[data-testid=alerts-empty]"));
    }

    [Fact]
    public void AnUnknownRunIsNotFound()
    {
        SignInAs(PortalRoles.Admin);

        var page = Render<ValidationRunDetail>(p => p.Add(x => x.RunId, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=validation-not-found]")));
    }
}
