using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Sync.Redrive;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Web.Components.Pages.DeadLetters;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components.DeadLetters;

/// <summary>The Dead-letters page on the real SQLite dead-letter store in a temporary folder, with a recording pipeline.</summary>
public sealed class DeadLettersPageTests : PortalComponentTestBase, IDisposable
{
    private const string Other = "other";
    private const string SoldPayload = "{\"version\":\"0\",\"id\":\"e-1\",\"detail-type\":\"product.sold\",\"detail\":{\"tenantId\":\"demo\",\"soldPrice\":-5,\"title\":\"caf\u00e9\"}}";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-dead-letter-page-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 16, 0, 0, TimeSpan.Zero));
    private readonly SqliteDeadLetterStore _store;
    private readonly RecordingEventSubmitter _submitter = new();
    private readonly IRenderedComponent<MudDialogProvider> _dialogs;

    public DeadLettersPageTests()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteDeadLetterStore(Path.Combine(_folder, "sales.db"), _time);
        Services.AddSingleton<IDeadLetterStore>(_store);
        Services.AddSingleton<IEventSubmitter>(_submitter);
        Services.AddSingleton(sp => new DeadLetterRedriver(sp.GetRequiredService<IDeadLetterStore>(), NullLogger<DeadLetterRedriver>.Instance, sp.GetRequiredService<IEventSubmitter>()));
        SignIn("ops@example.test", PortalRoles.Ops);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
    }

    [Fact]
    public async Task ListsTheSignedInTenantsPendingLettersWithTheirFields()
    {
        var schema = await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "detail.soldPrice: must be positive", attempts: 1);
        _time.Advance(TimeSpan.FromMinutes(1));
        var retries = await AddAsync(TenantValue, "e-2", DeadLetterCategory.RetriesExhausted, "store timeout", attempts: 3);
        await AddAsync(Other, "e-3", DeadLetterCategory.UnknownTenant, "unknown tenant 'other'");
        var resolved = await AddAsync(TenantValue, "e-4", DeadLetterCategory.Schema, "bad");
        await _store.DiscardAsync(resolved, new DeadLetterQuery { Tenant = new TenantId(TenantValue) }, "someone", "test", CancellationToken.None);

        var cut = Render<DeadLettersPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        var newest = Rows(cut)[0];
        Assert.Equal("2026-11-28 16:01:00", Cell(newest, "failed-at"));
        Assert.Equal("RetriesExhausted", Cell(newest, "category"));
        Assert.Equal("store timeout", Cell(newest, "reason"));
        Assert.Equal("e-2", Cell(newest, "event-id"));
        Assert.Equal("product.sold", Cell(newest, "detail-type"));
        Assert.Equal("3", Cell(newest, "attempts"));
        Assert.Equal("e-1", Cell(Rows(cut)[1], "event-id"));
        Assert.Equal("2 dead letters", cut.Find("[data-testid=total]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=tenant]"));
        Assert.NotEqual(schema, retries);
    }

    [Fact]
    public async Task FiltersByStatusAndCategory()
    {
        await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "bad price");
        await AddAsync(TenantValue, "e-2", DeadLetterCategory.ImageUnavailable, "404");
        var discarded = await AddAsync(TenantValue, "e-3", DeadLetterCategory.Schema, "bad");
        await _store.DiscardAsync(discarded, new DeadLetterQuery { Tenant = new TenantId(TenantValue) }, "someone", "test", CancellationToken.None);
        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));

        cut.Find("[data-testid=status-discarded]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["e-3"], EventIds(cut)));

        cut.Find("[data-testid=status-all]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["e-3", "e-2", "e-1"], EventIds(cut)));

        cut.Find("[data-testid=category-Schema]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["e-3", "e-1"], EventIds(cut)));
        Assert.Equal("2 dead letters", cut.Find("[data-testid=total]").TextContent.Trim());
    }

    [Fact]
    public async Task PagesThroughManyLetters()
    {
        for (var i = 0; i < DeadLettersPage.PageSize + 5; i++)
        {
            await AddAsync(TenantValue, $"e-{i:00}", DeadLetterCategory.Schema, "bad");
        }

        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Equal(DeadLettersPage.PageSize, Rows(cut).Count));
        Assert.Equal("e-29", EventIds(cut)[0]);

        cut.FindAll("[data-testid=pager] button").Single(b => b.TextContent.Trim() == "2").Click();

        cut.WaitForAssertion(() => Assert.Equal(["e-04", "e-03", "e-02", "e-01", "e-00"], EventIds(cut)));
    }

    [Fact]
    public async Task InspectShowsThePrettyPrintedPayloadReadOnly()
    {
        await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "detail.soldPrice: must be positive");
        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));

        cut.Find("[data-testid=inspect]").Click();

        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=payload]")));
        var payload = _dialogs.Find("[data-testid=payload]").TextContent;
        Assert.Contains("\n  \"id\": \"e-1\",", payload, StringComparison.Ordinal);
        Assert.Contains("\"soldPrice\": -5", payload, StringComparison.Ordinal);
        Assert.Contains("caf\u00e9", payload, StringComparison.Ordinal);
        Assert.Empty(_dialogs.FindAll("[data-testid=payload-dialog] textarea, [data-testid=payload-dialog] input"));
        Assert.Empty(_dialogs.FindAll("[data-testid=payload-not-json]"));
    }

    [Fact]
    public async Task RedrivesTheSelectedLettersAndShowsTheNewOutcomes()
    {
        var first = await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "bad");
        var second = await AddAsync(TenantValue, "e-2", DeadLetterCategory.RetriesExhausted, "timeout");
        await AddAsync(TenantValue, "e-3", DeadLetterCategory.Schema, "bad");
        _submitter.Answer = body => body.Contains("\"e-2\"", StringComparison.Ordinal)
            ? new EventSubmissionResult([new EventOutcome(0, "e-2", EventOutcomeStatus.Rejected, [new EventError("detail.soldPrice", "must be positive")])], [])
            : new EventSubmissionResult([EventOutcome.Accepted(0, "e-1")], []);
        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));

        Row(cut, "e-1").QuerySelector("[data-testid=select]")!.Change(true);
        Row(cut, "e-2").QuerySelector("[data-testid=select]")!.Change(true);
        Assert.Contains("(2)", cut.Find("[data-testid=redrive-selected]").TextContent, StringComparison.Ordinal);
        cut.Find("[data-testid=redrive-selected]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=redrive-result]").Count));
        var results = cut.FindAll("[data-testid=redrive-result]").Select(r => r.TextContent.Trim()).ToList();
        Assert.Contains($"#{first}: redriven, new outcome accepted", results);
        Assert.Contains($"#{second}: redriven, new outcome rejected (redrive rejected: detail.soldPrice: must be positive)", results);
        Assert.Equal(["e-3"], EventIds(cut));
        Assert.All(_submitter.Calls, c => Assert.Equal(new EventSubmissionOrigin(EventSubmissionOrigin.Redrive, new TenantId(TenantValue), "ops@example.test"), c.Origin));
        Assert.Equal(SoldPayload.Replace("e-1", "e-2", StringComparison.Ordinal), _submitter.Calls.Single(c => c.Body.Contains("\"e-2\"", StringComparison.Ordinal)).Body);
        var letter = await _store.GetAsync(first, new DeadLetterQuery { Tenant = new TenantId(TenantValue), Status = null }, CancellationToken.None);
        Assert.Equal(DeadLetterStatus.Redriven, letter!.Status);
        Assert.Equal("ops@example.test", letter.ResolvedBy);
        Assert.Equal("redrive accepted", letter.ResolutionNote);
    }

    [Fact]
    public async Task DiscardingAsksForAReasonAndRecordsIt()
    {
        var id = await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "bad");
        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));

        cut.Find("[data-testid=discard]").Click();
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=discard-confirm]")));
        Assert.True(_dialogs.Find("[data-testid=discard-confirm]").HasAttribute("disabled"));

        _dialogs.Find("textarea[data-testid=discard-reason], [data-testid=discard-reason] textarea").Input("vendor test event");
        _dialogs.WaitForAssertion(() => Assert.False(_dialogs.Find("[data-testid=discard-confirm]").HasAttribute("disabled")));
        _dialogs.Find("[data-testid=discard-confirm]").Click();

        cut.WaitForAssertion(() => Assert.Empty(Rows(cut)));
        var letter = await _store.GetAsync(id, new DeadLetterQuery { Tenant = new TenantId(TenantValue), Status = null }, CancellationToken.None);
        Assert.Equal(DeadLetterStatus.Discarded, letter!.Status);
        Assert.Equal("ops@example.test", letter.ResolvedBy);
        Assert.Equal("vendor test event", letter.ResolutionNote);
        Assert.Empty(_submitter.Calls);
    }

    [Fact]
    public async Task ACraftedIdOfAnotherTenantCannotBeRedrivenOrDiscarded()
    {
        await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "bad");
        var foreign = await AddAsync(Other, "e-9", DeadLetterCategory.Schema, "bad");
        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Equal(["e-1"], EventIds(cut)));

        // What a tampered circuit event could carry: an id the page never showed.
        await cut.InvokeAsync(() => cut.Instance.RedriveAsync([foreign]));
        Assert.Equal($"#{foreign}: No dead letter with this id in your scope.", cut.Find("[data-testid=redrive-result]").TextContent.Trim());

        await cut.InvokeAsync(() => cut.Instance.DiscardWithReasonAsync(foreign, "mine now"));
        Assert.Contains("not a pending dead letter in your scope", cut.Find("[data-testid=action-error]").TextContent, StringComparison.Ordinal);

        Assert.Empty(_submitter.Calls);
        var letter = await _store.GetAsync(foreign, new DeadLetterQuery { AllTenants = true }, CancellationToken.None);
        Assert.Equal(DeadLetterStatus.Pending, letter!.Status);
        Assert.Equal(["e-1"], EventIds(cut));
    }

    [Fact]
    public async Task ACustomersAdminSeesOnlyTheirTenantsLetters()
    {
        SignIn("admin@example.test", PortalRoles.Admin);
        await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "bad");
        var foreign = await AddAsync(Other, "e-9", DeadLetterCategory.Schema, "other tenant's");
        var orphan = await AddOrphanAsync("e-0");

        var cut = Render<DeadLettersPage>();

        cut.WaitForAssertion(() => Assert.Equal(["e-1"], EventIds(cut)));
        Assert.Equal("1 dead letter", cut.Find("[data-testid=total]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=tenant]"));
        foreach (var id in new[] { foreign, orphan })
        {
            await cut.InvokeAsync(() => cut.Instance.RedriveAsync([id]));
            Assert.Equal($"#{id}: No dead letter with this id in your scope.", cut.Find("[data-testid=redrive-result]").TextContent.Trim());
        }

        Assert.Empty(_submitter.Calls);
    }

    [Fact]
    public async Task APlatformAdminSeesEveryTenantAndLettersOfNoTenantAndRedrivesWithinTheLettersTenant()
    {
        SignIn("platform@example.test", PortalRoles.Admin, PortalRoles.PlatformAdmin);
        await AddAsync(TenantValue, "e-1", DeadLetterCategory.Schema, "bad");
        await AddOrphanAsync("e-0");
        await AddAsync(Other, "e-9", DeadLetterCategory.UnknownTenant, "unknown");
        var cut = Render<DeadLettersPage>();
        cut.WaitForAssertion(() => Assert.Equal(["e-9", "e-0", "e-1"], EventIds(cut)));
        Assert.Equal([Other, "–", TenantValue], cut.FindAll("[data-testid=tenant]").Select(c => c.TextContent.Trim()));

        Row(cut, "e-9").QuerySelector("[data-testid=redrive]")!.Click();

        cut.WaitForAssertion(() => Assert.Single(_submitter.Calls));
        Assert.Equal(new EventSubmissionOrigin(EventSubmissionOrigin.Redrive, new TenantId(Other), "platform@example.test"), _submitter.Calls.Single().Origin);
    }

    public new void Dispose()
    {
        _store.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        base.Dispose();
    }

    private Task<long> AddAsync(string tenant, string eventId, DeadLetterCategory category, string reason, int attempts = 1) =>
        _store.AddAsync(new NewDeadLetter
        {
            Tenant = new TenantId(tenant),
            EventId = eventId,
            DetailType = "product.sold",
            Category = category,
            Reason = reason,
            Payload = SoldPayload.Replace("e-1", eventId, StringComparison.Ordinal),
            Transport = EventSubmissionOrigin.Http,
            Attempts = attempts,
            FailedAt = _time.GetUtcNow(),
        }, CancellationToken.None);

    /// <summary>A letter whose tenant is unknown (an event naming no known tenant, submitted by the publisher app).</summary>
    private Task<long> AddOrphanAsync(string eventId) =>
        _store.AddAsync(new NewDeadLetter
        {
            Tenant = null,
            EventId = eventId,
            DetailType = "product.sold",
            Category = DeadLetterCategory.UnknownTenant,
            Reason = "unknown tenant 'nobody'",
            Payload = SoldPayload.Replace("e-1", eventId, StringComparison.Ordinal),
            Transport = EventSubmissionOrigin.Http,
            FailedAt = _time.GetUtcNow(),
        }, CancellationToken.None);

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<DeadLettersPage> cut) =>
        [.. cut.FindAll("[data-testid=dead-letters] tbody tr").Where(r => r.QuerySelector("[data-testid=event-id]") is not null)];

    private static List<string> EventIds(IRenderedComponent<DeadLettersPage> cut) => [.. Rows(cut).Select(r => Cell(r, "event-id"))];

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<DeadLettersPage> cut, string eventId) => Rows(cut).Single(r => Cell(r, "event-id") == eventId);

    private static string Cell(AngleSharp.Dom.IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    /// <summary>Roles replace the claims in bunit's test identity, so the tenant claim is set last.</summary>
    private void SignIn(string name, params string[] roles)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetRoles(roles);
        Authorization.SetClaims(new System.Security.Claims.Claim(PortalClaims.Tenant, TenantValue));
    }
}
