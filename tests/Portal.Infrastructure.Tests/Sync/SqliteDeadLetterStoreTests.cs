using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Local.Storage;
using Portal.Infrastructure.Tests.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Sync;

namespace Portal.Infrastructure.Tests.Sync;

public sealed class SqliteDeadLetterStoreTests : IDisposable
{
    private static readonly TenantId Acme = new("acme");
    private static readonly TenantId Globex = new("globex");
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteDeadLetterStore _store;

    public SqliteDeadLetterStoreTests() => _store = new SqliteDeadLetterStore(Path.Combine(_folder.Path, "sales.db"), _time);

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task KeepsThePayloadByteForByteAndListsNewestFirst()
    {
        const string payload = "{ \"id\" : \"e-1\",\n \"detail\": {\"soldPrice\": -5, \"note\": \"caf\u00e9 \u2603\"} }";
        var first = await _store.AddAsync(Letter(Acme, "e-1", payload), Ct);
        var second = await _store.AddAsync(Letter(Acme, "e-2") with { Category = DeadLetterCategory.UnknownTenant }, Ct);

        var listed = await _store.ListAsync(new DeadLetterQuery { Tenant = Acme }, Ct);

        Assert.Equal([second, first], listed.Select(l => l.Id));
        var stored = listed[1];
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(DeadLetterCategory.Schema, stored.Category);
        Assert.Equal("detail.soldPrice: must be positive", stored.Reason);
        Assert.Equal(DeadLetterStatus.Pending, stored.Status);
        Assert.Equal(_time.GetUtcNow(), stored.FailedAt);
        Assert.Equal("http", stored.Transport);
        Assert.Equal(2, await _store.CountAsync(new DeadLetterQuery { Tenant = Acme }, Ct));
        Assert.Equal(1, await _store.CountAsync(new DeadLetterQuery { Tenant = Acme, Category = DeadLetterCategory.UnknownTenant }, Ct));
    }

    [Fact]
    public async Task ATenantScopeSeesOnlyItsOwnLettersAndAnEmptyScopeSeesNothing()
    {
        var acmeId = await _store.AddAsync(Letter(Acme, "a"), Ct);
        var globexId = await _store.AddAsync(Letter(Globex, "g"), Ct);
        var orphanId = await _store.AddAsync(Letter(null, "o"), Ct);

        Assert.Equal([acmeId], (await _store.ListAsync(new DeadLetterQuery { Tenant = Acme }, Ct)).Select(l => l.Id));
        Assert.Empty(await _store.ListAsync(new DeadLetterQuery(), Ct));
        Assert.Equal([orphanId, globexId, acmeId], (await _store.ListAsync(new DeadLetterQuery { AllTenants = true }, Ct)).Select(l => l.Id));
        Assert.Null(await _store.GetAsync(globexId, new DeadLetterQuery { Tenant = Acme }, Ct));
        Assert.NotNull(await _store.GetAsync(globexId, new DeadLetterQuery { AllTenants = true }, Ct));
    }

    [Fact]
    public async Task ALetterIsResolvedOnceWithAnAuditTrail()
    {
        var id = await _store.AddAsync(Letter(Acme, "e-1"), Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var scope = new DeadLetterQuery { Tenant = Acme };

        Assert.True(await _store.DiscardAsync(id, scope, "ops@example.com", "test event from the load rig", Ct));
        Assert.False(await _store.MarkRedrivenAsync(id, scope, "admin@example.com", null, Ct));
        Assert.False(await _store.DiscardAsync(id, scope, "admin@example.com", "again", Ct));

        var letter = await _store.GetAsync(id, scope, Ct);
        Assert.NotNull(letter);
        Assert.Equal(DeadLetterStatus.Discarded, letter.Status);
        Assert.Equal("ops@example.com", letter.ResolvedBy);
        Assert.Equal("test event from the load rig", letter.ResolutionNote);
        Assert.Equal(_time.GetUtcNow(), letter.ResolvedAt);
        Assert.Empty(await _store.ListAsync(scope, Ct));
        Assert.Single(await _store.ListAsync(scope with { Status = DeadLetterStatus.Discarded }, Ct));
    }

    [Fact]
    public async Task AnotherTenantsLetterCannotBeRedrivenOrDiscarded()
    {
        var id = await _store.AddAsync(Letter(Globex, "g"), Ct);
        var acmeScope = new DeadLetterQuery { Tenant = Acme };

        Assert.False(await _store.MarkRedrivenAsync(id, acmeScope, "ops@example.com", "redriven", Ct));
        Assert.False(await _store.DiscardAsync(id, acmeScope, "ops@example.com", "not mine", Ct));
        var letter = await _store.GetAsync(id, new DeadLetterQuery { Tenant = Globex }, Ct);
        Assert.Equal(DeadLetterStatus.Pending, letter!.Status);
    }

    [Fact]
    public async Task ConcurrentResolutionsLetExactlyOneWin()
    {
        var id = await _store.AddAsync(Letter(Acme, "e"), Ct);
        var scope = new DeadLetterQuery { Tenant = Acme };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            () => i % 2 == 0
                ? _store.MarkRedrivenAsync(id, scope, $"ops{i}", null, Ct)
                : _store.DiscardAsync(id, scope, $"ops{i}", "dup", Ct), Ct)));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task RefusesADiscardWithoutAReasonAndAnOversizedPayloadIsTruncatedNotLost()
    {
        var id = await _store.AddAsync(Letter(Acme, "big", new string('x', SqliteDeadLetterStore.MaxPayloadChars + 10)), Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => _store.DiscardAsync(id, new DeadLetterQuery { Tenant = Acme }, "ops", " ", Ct));
        var letter = await _store.GetAsync(id, new DeadLetterQuery { Tenant = Acme }, Ct);
        Assert.Equal(SqliteDeadLetterStore.MaxPayloadChars, letter!.Payload.Length);
        Assert.Equal(DeadLetterStatus.Pending, letter.Status);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private NewDeadLetter Letter(TenantId? tenant, string eventId, string payload = "{}") => new()
    {
        Tenant = tenant,
        EventId = eventId,
        DetailType = ProductEventTypes.Sold,
        Category = DeadLetterCategory.Schema,
        Reason = "detail.soldPrice: must be positive",
        Payload = payload,
        Transport = EventSubmissionOrigin.Http,
        FailedAt = _time.GetUtcNow(),
    };
}
