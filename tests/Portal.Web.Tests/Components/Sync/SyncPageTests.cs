using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Web.Components.Pages.Sync;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components.Sync;

public sealed class SyncPageTests : PortalComponentTestBase
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 16, 30, 20, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ScriptedSyncMonitor _monitor = new();
    private readonly BunitJSModuleInterop _chart;

    public SyncPageTests()
    {
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton<ISyncMonitor>(_monitor);
        SignIn("ops@example.test", PortalRoles.Ops);
        _chart = JSInterop.SetupModule("./js/apexchart.js");
        _chart.Setup<int>("render", _ => true).SetResult(1);
        _chart.Setup<bool>("update", _ => true).SetResult(true);
        _monitor.Next = _ => ScriptedSyncMonitor.Snapshot(Now, new Dictionary<int, (int, int, int, int, int)>
        {
            [0] = (40, 2, 1, 0, 0),
            [1] = (1500, 10, 3, 2, 1),
            [30] = (7, 0, 0, 0, 0),
        }, s =>
        {
            s.Lag = new SyncLag(1552, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(3.25));
            s.IdempotencyHits = 12;
            s.Parked = 2;
            s.QueueDepth = 850;
            s.QueueCapacity = 1000;
            s.Errors = [new SyncError(Now.AddSeconds(-5), new TenantId(TenantValue), "e-9", "Schema", "detail.soldPrice: must be positive")];
        });
    }

    [Fact]
    public void ShowsTheSnapshotsFiguresForTheSignedInTenant()
    {
        var cut = Render<SyncPage>();

        Assert.Equal([new TenantId(TenantValue)], _monitor.Calls);
        Assert.Equal("1,566", Text(cut, "events-total"));
        Assert.Equal("1,547 accepted · 12 duplicate · 2 parked · 4 rejected · 1 failed", Text(cut, "events-by-outcome"));
        Assert.Equal("120 ms", Text(cut, "lag-p50"));
        Assert.Equal("1.5 s", Text(cut, "lag-p95"));
        Assert.Equal("2.0 s", Text(cut, "lag-p99"));
        Assert.Equal("3.3 min", Text(cut, "lag-max"));
        Assert.Equal("1,552 samples", Text(cut, "lag-samples"));
        Assert.Equal("12", Text(cut, "idempotency-hits"));
        Assert.Equal("2", Text(cut, "parked"));
        Assert.Equal("850 / 1,000", Text(cut, "queue"));
        var error = Assert.Single(cut.FindAll("[data-testid=errors] tbody tr"));
        Assert.Equal(["2026-11-28 16:30:15", "e-9", "Schema", "detail.soldPrice: must be positive"], error.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal($"Tenant {TenantValue} · last hour", Text(cut, "scope"));
        Assert.Empty(cut.FindAll("[data-testid=all-tenants]"));
    }

    [Fact]
    public void DrawsOneStackedBarSeriesPerOutcomeOverTheMinutes()
    {
        var cut = Render<SyncPage>();

        cut.WaitForAssertion(() => Assert.NotEmpty(_chart.Invocations["render"]));
        var options = JsonNode.Parse((string)_chart.Invocations["render"][0].Arguments[1]!)!;
        Assert.Equal("bar", (string?)options["chart"]!["type"]);
        Assert.True((bool)options["chart"]!["stacked"]!);
        var series = options["series"]!.AsArray();
        Assert.Equal(["Accepted", "Duplicate", "Parked", "Rejected", "Failed"], series.Select(s => (string)s!["name"]!));
        Assert.All(series, s => Assert.Equal(60, s!["data"]!.AsArray().Count));
        var accepted = series[0]!["data"]!.AsArray().Select(v => (int)v!).ToArray();
        Assert.Equal(1547, accepted.Sum());
        Assert.Equal(40, accepted[59]);
        Assert.Equal(1500, accepted[58]);
        Assert.Equal(7, accepted[29]);
        Assert.Equal([1500, 10, 2, 3, 1], series.Select(s => (int)s!["data"]![58]!));
        var categories = options["xaxis"]!["categories"]!.AsArray().Select(c => (string)c!).ToArray();
        Assert.Equal("15:31", categories[0]);
        Assert.Equal("16:30", categories[59]);
    }

    [Fact]
    public async Task RefreshesEveryFewSecondsUntilTheComponentIsDisposed()
    {
        _monitor.Next = call => ScriptedSyncMonitor.Snapshot(Now.AddSeconds(5 * (call - 1)), new Dictionary<int, (int, int, int, int, int)> { [0] = (call * 10, 0, 0, 0, 0) });
        var cut = Render<SyncPage>();
        Assert.Equal("10", Text(cut, "events-total"));

        _time.Advance(SyncPage.RefreshInterval);

        cut.WaitForAssertion(() => Assert.Equal("20", Text(cut, "events-total")));
        Assert.Contains("16:30:25", Text(cut, "updated-at"), StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Contains(_chart.Invocations["update"], i => ((string)i.Arguments[1]!).Contains("[0,", StringComparison.Ordinal) && ((string)i.Arguments[1]!).Contains("20]", StringComparison.Ordinal)));

        await DisposeComponentsAsync();
        var calls = _monitor.Calls.Count;
        _time.Advance(SyncPage.RefreshInterval * 3);
        Assert.Equal(calls, _monitor.Calls.Count);
    }

    [Fact]
    public void ACustomersAdminCannotSwitchToEveryTenant()
    {
        SignIn("admin@example.test", PortalRoles.Admin);
        var cut = Render<SyncPage>();

        Assert.Equal(new TenantId(TenantValue), Assert.Single(_monitor.Calls));
        Assert.Empty(cut.FindAll("[data-testid=all-tenants]"));
        Assert.Equal($"Tenant {TenantValue} · last hour", Text(cut, "scope"));
    }

    [Fact]
    public void APlatformAdminMaySwitchToEveryTenant()
    {
        SignIn("platform@example.test", PortalRoles.Admin, PortalRoles.PlatformAdmin);
        var cut = Render<SyncPage>();
        Assert.Equal(new TenantId(TenantValue), Assert.Single(_monitor.Calls));

        cut.Find("input[data-testid=all-tenants], [data-testid=all-tenants] input").Change(true);

        cut.WaitForAssertion(() => Assert.Equal("All tenants · last hour", Text(cut, "scope")));
        Assert.Null(_monitor.Calls.Last());
        var row = Assert.Single(cut.FindAll("[data-testid=errors] tbody tr"));
        Assert.Equal(TenantValue, row.QuerySelectorAll("td")[1].TextContent.Trim());
    }

    [Fact]
    public void SaysSoWhenTheSyncServiceDoesNotRun()
    {
        Services.RemoveAll<ISyncMonitor>();
        var cut = Render<SyncPage>();

        Assert.NotNull(cut.Find("[data-testid=sync-unavailable]"));
        Assert.Empty(_monitor.Calls);
    }

    [Fact]
    public async Task ListsEachHostsIndexFreshnessFromTheStoresHeartbeatsAndFlagsTheLaggingOne()
    {
        var folder = Directory.CreateTempSubdirectory("portal-sync-page-");
        try
        {
            using var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Path.Combine(folder.FullName, "sales.db") }, _time);
            await store.RecordHeartbeatAsync(new SalesFeedHeartbeat("portal-a", Now.AddSeconds(-3), Now.AddSeconds(-4), Now.AddSeconds(-4), TimeSpan.FromMilliseconds(400)), CancellationToken.None);
            await store.RecordHeartbeatAsync(new SalesFeedHeartbeat("portal-b", Now.AddSeconds(-2), Now.AddMinutes(-5), Now.AddMinutes(-5), TimeSpan.FromMinutes(5)), CancellationToken.None);
            await store.RecordHeartbeatAsync(new SalesFeedHeartbeat("gone", Now.AddHours(-2), null, null, null), CancellationToken.None);
            Services.AddSingleton<ISalesChangeFeed>(store);

            var cut = Render<SyncPage>();

            var rows = cut.WaitForElements("[data-testid=feed-hosts] tbody tr");
            Assert.Equal(2, rows.Count);
            Assert.Equal(["portal-a", "2026-11-28 16:30:16", "400 ms", "2026-11-28 16:30:17"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
            Assert.Equal("portal-b", rows[1].QuerySelectorAll("td")[0].TextContent.Trim());
            Assert.Single(cut.FindAll("[data-testid=feed-lagging]"));
            Assert.Contains("lagging", rows[1].TextContent, StringComparison.Ordinal);
            await DisposeComponentsAsync();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Text(IRenderedComponent<SyncPage> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    /// <summary>Roles replace the claims in bunit's test identity, so the tenant claim is set last.</summary>
    private void SignIn(string name, params string[] roles)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetRoles(roles);
        Authorization.SetClaims(new System.Security.Claims.Claim(PortalClaims.Tenant, TenantValue));
    }
}
