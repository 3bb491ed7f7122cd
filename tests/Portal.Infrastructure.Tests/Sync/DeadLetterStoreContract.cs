using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The behaviour every <see cref="IDeadLetterStore"/> must have (SQLite and DynamoDB), tenant isolation above all.</summary>
public abstract class DeadLetterStoreContract : IAsyncLifetime
{
    protected static readonly TenantId Acme = new("acme");
    protected static readonly TenantId Globex = new("globex");
    private IDeadLetterStore? _store;

    protected static CancellationToken Ct => CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    protected IDeadLetterStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>Payloads above this many characters are truncated on write.</summary>
    protected abstract int MaxPayloadChars { get; }

    protected abstract Task<IDeadLetterStore> CreateStoreAsync(TimeProvider timeProvider);

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync(Time);

    public virtual Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task KeepsThePayloadByteForByteAndListsNewestFirst()
    {
        const string payload = "{ \"id\" : \"e-1\",\n \"detail\": {\"soldPrice\": -5, \"note\": \"caf\u00e9 \u2603\"} }";
        var first = await Store.AddAsync(Letter(Acme, "e-1", payload), Ct);
        var second = await Store.AddAsync(Letter(Acme, "e-2") with { Category = DeadLetterCategory.UnknownTenant }, Ct);

        var listed = await Store.ListAsync(new DeadLetterQuery { Tenant = Acme }, Ct);

        Assert.Equal([second, first], listed.Select(l => l.Id));
        var stored = listed[1];
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(DeadLetterCategory.Schema, stored.Category);
        Assert.Equal("detail.soldPrice: must be positive", stored.Reason);
        Assert.Equal(DeadLetterStatus.Pending, stored.Status);
        Assert.Equal(Time.GetUtcNow(), stored.FailedAt);
        Assert.Equal("http", stored.Transport);
        Assert.Equal(2, await Store.CountAsync(new DeadLetterQuery { Tenant = Acme }, Ct));
        Assert.Equal(1, await Store.CountAsync(new DeadLetterQuery { Tenant = Acme, Category = DeadLetterCategory.UnknownTenant }, Ct));
    }

    [Fact]
    public async Task ATenantScopeSeesOnlyItsOwnLettersAndAnEmptyScopeSeesNothing()
    {
        var acmeId = await Store.AddAsync(Letter(Acme, "a"), Ct);
        var globexId = await Store.AddAsync(Letter(Globex, "g"), Ct);
        var orphanId = await Store.AddAsync(Letter(null, "o"), Ct);

        Assert.Equal([acmeId], (await Store.ListAsync(new DeadLetterQuery { Tenant = Acme }, Ct)).Select(l => l.Id));
        Assert.Empty(await Store.ListAsync(new DeadLetterQuery(), Ct));
        Assert.Equal([orphanId, globexId, acmeId], (await Store.ListAsync(new DeadLetterQuery { AllTenants = true }, Ct)).Select(l => l.Id));
        Assert.Null(await Store.GetAsync(globexId, new DeadLetterQuery { Tenant = Acme }, Ct));
        Assert.NotNull(await Store.GetAsync(globexId, new DeadLetterQuery { AllTenants = true }, Ct));
    }

    [Fact]
    public async Task ALetterIsResolvedOnceWithAnAuditTrail()
    {
        var id = await Store.AddAsync(Letter(Acme, "e-1"), Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        var scope = new DeadLetterQuery { Tenant = Acme };

        Assert.True(await Store.DiscardAsync(id, scope, "ops@example.com", "test event from the load rig", Ct));
        Assert.False(await Store.MarkRedrivenAsync(id, scope, "admin@example.com", null, Ct));
        Assert.False(await Store.DiscardAsync(id, scope, "admin@example.com", "again", Ct));

        var letter = await Store.GetAsync(id, scope, Ct);
        Assert.NotNull(letter);
        Assert.Equal(DeadLetterStatus.Discarded, letter.Status);
        Assert.Equal("ops@example.com", letter.ResolvedBy);
        Assert.Equal("test event from the load rig", letter.ResolutionNote);
        Assert.Equal(Time.GetUtcNow(), letter.ResolvedAt);
        Assert.Empty(await Store.ListAsync(scope, Ct));
        Assert.Single(await Store.ListAsync(scope with { Status = DeadLetterStatus.Discarded }, Ct));
    }

    [Fact]
    public async Task AnotherTenantsLetterCannotBeRedrivenOrDiscarded()
    {
        var id = await Store.AddAsync(Letter(Globex, "g"), Ct);
        var acmeScope = new DeadLetterQuery { Tenant = Acme };

        Assert.False(await Store.MarkRedrivenAsync(id, acmeScope, "ops@example.com", "redriven", Ct));
        Assert.False(await Store.DiscardAsync(id, acmeScope, "ops@example.com", "not mine", Ct));
        var letter = await Store.GetAsync(id, new DeadLetterQuery { Tenant = Globex }, Ct);
        Assert.Equal(DeadLetterStatus.Pending, letter!.Status);
    }

    [Fact]
    public async Task ConcurrentResolutionsLetExactlyOneWin()
    {
        var id = await Store.AddAsync(Letter(Acme, "e"), Ct);
        var scope = new DeadLetterQuery { Tenant = Acme };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            () => i % 2 == 0
                ? Store.MarkRedrivenAsync(id, scope, $"ops{i}", null, Ct)
                : Store.DiscardAsync(id, scope, $"ops{i}", "dup", Ct), Ct)));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task RefusesADiscardWithoutAReasonAndAnOversizedPayloadIsTruncatedNotLost()
    {
        var id = await Store.AddAsync(Letter(Acme, "big", new string('x', MaxPayloadChars + 10)), Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.DiscardAsync(id, new DeadLetterQuery { Tenant = Acme }, "ops", " ", Ct));
        var letter = await Store.GetAsync(id, new DeadLetterQuery { Tenant = Acme }, Ct);
        Assert.Equal(MaxPayloadChars, letter!.Payload.Length);
        Assert.Equal(DeadLetterStatus.Pending, letter.Status);
    }

    [Fact]
    public async Task FiltersByStatusAndCategoryAndPagesNewestFirst()
    {
        var ids = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await Store.AddAsync(Letter(Acme, $"e-{i}") with { Category = i % 2 == 0 ? DeadLetterCategory.Schema : DeadLetterCategory.ImageUnavailable }, Ct));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var scope = new DeadLetterQuery { Tenant = Acme };
        Assert.True(await Store.MarkRedrivenAsync(ids[6], scope, "ops", null, Ct));
        Assert.True(await Store.DiscardAsync(ids[5], scope, "ops", "noise", Ct));

        Assert.Equal([ids[4], ids[3], ids[2], ids[1], ids[0]], (await Store.ListAsync(scope, Ct)).Select(l => l.Id));
        Assert.Equal([ids[3], ids[2]], (await Store.ListAsync(scope with { Offset = 1, Limit = 2 }, Ct)).Select(l => l.Id));
        Assert.Empty(await Store.ListAsync(scope with { Offset = 5 }, Ct));
        Assert.Equal([ids[4], ids[2], ids[0]], (await Store.ListAsync(scope with { Category = DeadLetterCategory.Schema }, Ct)).Select(l => l.Id));
        Assert.Equal(ids.AsEnumerable().Reverse(), (await Store.ListAsync(scope with { Status = null }, Ct)).Select(l => l.Id));
        Assert.Equal([ids[5], ids[4]], (await Store.ListAsync(scope with { Status = null, Offset = 1, Limit = 2 }, Ct)).Select(l => l.Id));
        Assert.Equal([ids[6]], (await Store.ListAsync(scope with { Status = DeadLetterStatus.Redriven }, Ct)).Select(l => l.Id));
        Assert.Equal(5, await Store.CountAsync(scope, Ct));
        Assert.Equal(7, await Store.CountAsync(scope with { Status = null }, Ct));
        Assert.Equal(3, await Store.CountAsync(new DeadLetterQuery { AllTenants = true, Status = null, Category = DeadLetterCategory.ImageUnavailable }, Ct));
        Assert.Equal(1, await Store.CountAsync(scope with { Status = DeadLetterStatus.Discarded }, Ct));
    }

    [Fact]
    public async Task TenantLessLettersAreOnlyForTheAdminScope()
    {
        var orphan = await Store.AddAsync(Letter(null, "o"), Ct);
        var acme = await Store.AddAsync(Letter(Acme, "a"), Ct);

        Assert.Equal(0, await Store.CountAsync(new DeadLetterQuery { Tenant = Globex }, Ct));
        Assert.Equal(1, await Store.CountAsync(new DeadLetterQuery { Tenant = Acme }, Ct));
        Assert.Equal(2, await Store.CountAsync(new DeadLetterQuery { AllTenants = true }, Ct));
        Assert.Equal(0, await Store.CountAsync(new DeadLetterQuery(), Ct));
        Assert.Null(await Store.GetAsync(orphan, new DeadLetterQuery { Tenant = Acme }, Ct));
        Assert.False(await Store.DiscardAsync(orphan, new DeadLetterQuery { Tenant = Acme }, "ops", "not mine", Ct));
        Assert.False(await Store.MarkRedrivenAsync(acme, new DeadLetterQuery(), "ops", null, Ct));
        Assert.True(await Store.MarkRedrivenAsync(orphan, new DeadLetterQuery { AllTenants = true }, "admin", "redriven by hand", Ct));
        var resolved = await Store.GetAsync(orphan, new DeadLetterQuery { AllTenants = true }, Ct);
        Assert.Equal(DeadLetterStatus.Redriven, resolved!.Status);
        Assert.Null(resolved.Tenant);
        Assert.Equal("redriven by hand", resolved.ResolutionNote);
    }

    [Fact]
    public async Task AnUnknownIdIsNullAndCannotBeResolved()
    {
        var admin = new DeadLetterQuery { AllTenants = true };

        Assert.Null(await Store.GetAsync(424242, admin, Ct));
        Assert.False(await Store.MarkRedrivenAsync(424242, admin, "ops", null, Ct));
        Assert.False(await Store.DiscardAsync(424242, admin, "ops", "gone", Ct));
    }

    [Fact]
    public async Task RefusesALetterWithoutAReasonOrTransportAndStoresNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddAsync(Letter(Acme, "e") with { Reason = " " }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddAsync(Letter(Acme, "e") with { Transport = "" }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AddAsync(Letter(Acme, "e") with { Attempts = 0 }, Ct));

        Assert.Equal(0, await Store.CountAsync(new DeadLetterQuery { AllTenants = true, Status = null }, Ct));
    }

    protected NewDeadLetter Letter(TenantId? tenant, string eventId, string payload = "{}") => new()
    {
        Tenant = tenant,
        EventId = eventId,
        DetailType = ProductEventTypes.Sold,
        Category = DeadLetterCategory.Schema,
        Reason = "detail.soldPrice: must be positive",
        Payload = payload,
        Transport = EventSubmissionOrigin.Http,
        FailedAt = Time.GetUtcNow(),
    };
}
