using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>
/// The behaviour every <see cref="IIdempotencyStore"/> must have. Derive once per adapter (SQLite now, DynamoDB later) and
/// implement <see cref="CreateStore"/>; xunit runs every fact below against it.
/// </summary>
public abstract class IdempotencyStoreContract : IDisposable
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected static readonly IdempotencyOptions Options = new();
    private static readonly TimeSpan Lease = Options.Lease;
    private static readonly TenantId Acme = new("acme");
    private static readonly TenantId Globex = new("globex");
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);

    private readonly List<IIdempotencyStore> _stores = [];
    private IIdempotencyStore? _store;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero));

    private IIdempotencyStore Store => _store ??= NewStore();

    /// <summary>A new store instance over this test's storage: every instance of one test sees the same records.</summary>
    protected abstract IIdempotencyStore CreateStore(TimeProvider timeProvider, IdempotencyOptions options);

    private IIdempotencyStore NewStore()
    {
        var store = CreateStore(Time, Options);
        _stores.Add(store);
        return store;
    }

    private static IdempotencyKey Key(string eventId = "e-1", TenantId? tenant = null) => new(tenant ?? Acme, "sale.created", eventId);

    [Fact]
    public async Task FirstClaimStarts()
    {
        var claim = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Started, claim.Kind);
        Assert.Null(claim.StoredOutcome);
    }

    [Fact]
    public async Task SecondClaimWhileTheLeaseIsLiveIsInProgress()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        Time.Advance(Lease - TimeSpan.FromSeconds(1));

        var second = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.InProgress, second.Kind);
    }

    [Fact]
    public async Task AfterTheLeaseExpiresTheClaimStartsAgain()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var retry = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        var another = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Started, retry.Kind);
        Assert.Equal(IdempotencyClaimKind.InProgress, another.Kind);
    }

    [Fact]
    public async Task ADuplicateAfterCompleteGetsTheStoredOutcome()
    {
        const string outcome = """{"saleId":"s-1","added":true}""";
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        await Store.CompleteAsync(Key(), outcome, Ct);
        Time.Advance(Lease + TimeSpan.FromMinutes(1));

        var duplicate = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Completed, duplicate.Kind);
        Assert.Equal(outcome, duplicate.StoredOutcome);
    }

    [Fact]
    public async Task AfterTheExpiryACompletedKeyStartsAnew()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.CompleteAsync(Key(), "{}", Ct);
        // The expiry counts from completion.
        Time.Advance(Options.Expiry - TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyClaimKind.Completed, (await Store.TryBeginAsync(Key(), HashA, Lease, Ct)).Kind);

        Time.Advance(TimeSpan.FromSeconds(2));
        var fresh = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Started, fresh.Kind);
    }

    [Fact]
    public async Task AnExpiredRecordIsAbsentEvenForAnotherPayload()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        await Store.CompleteAsync(Key(), "{}", Ct);
        Time.Advance(Options.Expiry + TimeSpan.FromSeconds(1));

        var fresh = await Store.TryBeginAsync(Key(), HashB, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Started, fresh.Kind);
    }

    [Fact]
    public async Task ADifferentPayloadHashIsAMismatchNotADuplicate()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        var whileInProgress = await Store.TryBeginAsync(Key(), HashB, Lease, Ct);
        await Store.CompleteAsync(Key(), "{}", Ct);
        var whenCompleted = await Store.TryBeginAsync(Key(), HashB, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.PayloadMismatch, whileInProgress.Kind);
        Assert.Equal(IdempotencyClaimKind.PayloadMismatch, whenCompleted.Kind);
        Assert.Null(whenCompleted.StoredOutcome);
        Assert.Equal(IdempotencyClaimKind.Completed, (await Store.TryBeginAsync(Key(), HashA, Lease, Ct)).Kind);
    }

    [Fact]
    public async Task ALapsedLeaseIsNotTakenOverByAnotherPayload()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var other = await Store.TryBeginAsync(Key(), HashB, Lease, Ct);
        var same = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.PayloadMismatch, other.Kind);
        Assert.Equal(IdempotencyClaimKind.Started, same.Kind);
    }

    [Fact]
    public async Task ReleaseLetsARetryStart()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        await Store.ReleaseAsync(Key(), Ct);

        var retry = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Started, retry.Kind);
    }

    [Fact]
    public async Task ReleaseKeepsACompletedRecord()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        await Store.CompleteAsync(Key(), "{\"ok\":1}", Ct);
        await Store.ReleaseAsync(Key(), Ct);

        var duplicate = await Store.TryBeginAsync(Key(), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Completed, duplicate.Kind);
        Assert.Equal("{\"ok\":1}", duplicate.StoredOutcome);
    }

    [Fact]
    public async Task CompletingAReleasedKeyFails()
    {
        await Store.TryBeginAsync(Key(), HashA, Lease, Ct);
        await Store.ReleaseAsync(Key(), Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CompleteAsync(Key(), "{}", Ct));
    }

    [Fact]
    public async Task TwentyConcurrentClaimsOnOneKeyStartExactlyOnce()
    {
        // Several instances over the same storage, like several workers; each call on its own thread-pool thread.
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToArray();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 20)
            .Select(i => Task.Run(async () =>
            {
                await gate.Task;
                return await stores[i % stores.Length].TryBeginAsync(Key("concurrent"), HashA, Lease, Ct);
            }))
            .ToArray();

        gate.SetResult();
        var claims = await Task.WhenAll(calls);

        Assert.Single(claims, c => c.Kind == IdempotencyClaimKind.Started);
        Assert.Equal(19, claims.Count(c => c.Kind == IdempotencyClaimKind.InProgress));
    }

    [Fact]
    public async Task KeysOfDifferentTenantsAreIndependent()
    {
        await Store.TryBeginAsync(Key(tenant: Acme), HashA, Lease, Ct);
        await Store.CompleteAsync(Key(tenant: Acme), "{\"tenant\":\"acme\"}", Ct);

        var globex = await Store.TryBeginAsync(Key(tenant: Globex), HashB, Lease, Ct);
        await Store.ReleaseAsync(Key(tenant: Globex), Ct);
        var acme = await Store.TryBeginAsync(Key(tenant: Acme), HashA, Lease, Ct);

        Assert.Equal(IdempotencyClaimKind.Started, globex.Kind);
        Assert.Equal(IdempotencyClaimKind.Completed, acme.Kind);
        Assert.Equal("{\"tenant\":\"acme\"}", acme.StoredOutcome);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the stores; derived classes then clean up their storage.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var store in _stores)
            {
                (store as IDisposable)?.Dispose();
            }

            _stores.Clear();
        }
    }
}
