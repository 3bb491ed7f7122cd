using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Sync.Redrive;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Redrive;

/// <summary>The redriver on the real SQLite dead-letter store, with a submitter that records what reached the pipeline.</summary>
public sealed class DeadLetterRedriverTests : IDisposable
{
    private const string Payload = "{ \"id\": \"e-1\", \"detail\": { \"tenantId\": \"acme\", \"note\": \"caf\u00e9\" } }";
    private static readonly TenantId Acme = new("acme");
    private static readonly TenantId Globex = new("globex");
    private static readonly DeadLetterActor AcmeOps = new("ops@acme", Acme, IsPlatformAdmin: false);
    private static readonly DeadLetterActor Admin = new("admin@acme", Acme, IsPlatformAdmin: true);
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteDeadLetterStore _store;
    private readonly ScriptedSubmitter _submitter = new();
    private readonly DeadLetterRedriver _redriver;

    public DeadLetterRedriverTests()
    {
        _store = new SqliteDeadLetterStore(Path.Combine(_folder.Path, "sales.db"), _time);
        _redriver = new DeadLetterRedriver(_store, NullLogger<DeadLetterRedriver>.Instance, _submitter);
    }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task RedrivesTheStoredPayloadRestrictedToTheActorsTenantAndMarksTheLetterWithTheNewOutcome()
    {
        var id = await AddAsync(Acme);

        var result = await _redriver.RedriveAsync(id, AcmeOps, Ct);

        Assert.Equal(new RedriveResult(id, RedriveStatus.Redriven, EventOutcomeStatus.Accepted, "redrive accepted"), result);
        var (body, origin) = Assert.Single(_submitter.Calls);
        Assert.Equal(Payload, body);
        Assert.Equal(new EventSubmissionOrigin(EventSubmissionOrigin.Redrive, Acme, "ops@acme"), origin);
        var letter = await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme, Status = null }, Ct);
        Assert.Equal(DeadLetterStatus.Redriven, letter!.Status);
        Assert.Equal("ops@acme", letter.ResolvedBy);
        Assert.Equal("redrive accepted", letter.ResolutionNote);
    }

    [Fact]
    public async Task AnOpsUserCannotRedriveOrDiscardAnotherTenantsLetter()
    {
        var id = await AddAsync(Globex);

        var redrive = await _redriver.RedriveAsync(id, AcmeOps, Ct);
        var discarded = await _redriver.DiscardAsync(id, AcmeOps, "not ours", Ct);

        Assert.Equal(RedriveStatus.NotFound, redrive.Status);
        Assert.False(discarded);
        Assert.Empty(_submitter.Calls);
        Assert.Equal(DeadLetterStatus.Pending, (await _store.GetAsync(id, new DeadLetterQuery { AllTenants = true }, Ct))!.Status);
    }

    [Fact]
    public async Task AnAdminRedrivesAnotherTenantsLetterRestrictedToThatTenant()
    {
        var id = await AddAsync(Globex);

        var result = await _redriver.RedriveAsync(id, Admin, Ct);

        Assert.Equal(RedriveStatus.Redriven, result.Status);
        Assert.Equal(Globex, Assert.Single(_submitter.Calls).Origin.RestrictToTenant);
    }

    [Fact]
    public async Task ALetterRejectedAgainIsMarkedRedrivenWithTheRejectionAsItsNote()
    {
        var id = await AddAsync(Acme);
        _submitter.Answer = _ => new EventSubmissionResult([new EventOutcome(0, "e-1", EventOutcomeStatus.Rejected, [new EventError("detail.soldPrice", "must be positive")])], []);

        var result = await _redriver.RedriveAsync(id, AcmeOps, Ct);

        Assert.Equal(EventOutcomeStatus.Rejected, result.NewOutcome);
        Assert.Equal("redrive rejected: detail.soldPrice: must be positive", result.Note);
        Assert.Equal(result.Note, (await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme, Status = null }, Ct))!.ResolutionNote);
    }

    [Fact]
    public async Task APipelineAtCapacityLeavesTheLetterPending()
    {
        var id = await AddAsync(Acme);
        _submitter.Answer = _ => throw new EventBackPressureException(TimeSpan.FromSeconds(3));

        var result = await _redriver.RedriveAsync(id, AcmeOps, Ct);

        Assert.Equal(RedriveStatus.Busy, result.Status);
        Assert.Contains("3 s", result.Note, StringComparison.Ordinal);
        Assert.Equal(DeadLetterStatus.Pending, (await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme }, Ct))!.Status);
    }

    [Fact]
    public async Task ALetterIsRedrivenOnlyOnce()
    {
        var id = await AddAsync(Acme);
        await _redriver.RedriveAsync(id, AcmeOps, Ct);

        var again = await _redriver.RedriveAsync(id, AcmeOps, Ct);

        Assert.Equal(RedriveStatus.NotFound, again.Status);
        Assert.Single(_submitter.Calls);
    }

    [Fact]
    public async Task RedrivingManyRedrivesEachInScopeAndSkipsTheRest()
    {
        var first = await AddAsync(Acme);
        var foreign = await AddAsync(Globex);
        var second = await AddAsync(Acme);

        var results = await _redriver.RedriveManyAsync([first, foreign, second], AcmeOps, Ct);

        Assert.Equal([RedriveStatus.Redriven, RedriveStatus.NotFound, RedriveStatus.Redriven], results.Select(r => r.Status));
        Assert.Equal(2, _submitter.Calls.Count);
    }

    [Fact]
    public async Task DiscardingNeedsAReasonAndRecordsWhoAndWhy()
    {
        var id = await AddAsync(Acme);

        await Assert.ThrowsAsync<ArgumentException>(() => _redriver.DiscardAsync(id, AcmeOps, "  ", Ct));
        Assert.Equal(DeadLetterStatus.Pending, (await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme }, Ct))!.Status);

        Assert.True(await _redriver.DiscardAsync(id, AcmeOps, " test event from the vendor ", Ct));

        var letter = await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme, Status = null }, Ct);
        Assert.Equal(DeadLetterStatus.Discarded, letter!.Status);
        Assert.Equal("ops@acme", letter.ResolvedBy);
        Assert.Equal("test event from the vendor", letter.ResolutionNote);
        Assert.Empty(_submitter.Calls);
    }

    [Fact]
    public async Task WithoutAPipelineLettersCanBeDiscardedButNotRedriven()
    {
        var redriver = new DeadLetterRedriver(_store, NullLogger<DeadLetterRedriver>.Instance);
        var id = await AddAsync(Acme);

        var result = await redriver.RedriveAsync(id, AcmeOps, Ct);

        Assert.False(redriver.CanRedrive);
        Assert.Equal(RedriveStatus.Unavailable, result.Status);
        Assert.Equal(DeadLetterStatus.Pending, (await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme }, Ct))!.Status);
        Assert.True(await redriver.DiscardAsync(id, AcmeOps, "no pipeline here", Ct));
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private Task<long> AddAsync(TenantId tenant) => _store.AddAsync(new NewDeadLetter
    {
        Tenant = tenant,
        EventId = "e-1",
        DetailType = "product.sold",
        Category = DeadLetterCategory.Schema,
        Reason = "detail.soldPrice: must be positive",
        Payload = Payload,
        Transport = EventSubmissionOrigin.Http,
        FailedAt = _time.GetUtcNow(),
    }, Ct);

    private sealed class ScriptedSubmitter : IEventSubmitter
    {
        public Func<string, EventSubmissionResult> Answer { get; set; } = _ => new EventSubmissionResult([EventOutcome.Accepted(0, "e-1")], []);

        public ConcurrentQueue<(string Body, EventSubmissionOrigin Origin)> Calls { get; } = new();

        public Task<EventSubmissionResult> SubmitAsync(ReadOnlyMemory<byte> body, EventSubmissionOrigin origin, CancellationToken cancellationToken)
        {
            var text = Encoding.UTF8.GetString(body.Span);
            var answer = Answer(text);
            Calls.Enqueue((text, origin));
            return Task.FromResult(answer);
        }
    }
}
