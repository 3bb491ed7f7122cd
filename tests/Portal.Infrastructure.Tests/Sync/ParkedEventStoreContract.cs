using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The behaviour every <see cref="IParkedEventStore"/> must have (SQLite and DynamoDB).</summary>
public abstract class ParkedEventStoreContract : IAsyncLifetime
{
    protected static readonly TenantId Acme = new("acme");
    protected static readonly TenantId Globex = new("globex");
    protected static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IParkedEventStore> _stores = [];
    private IParkedEventStore? _store;

    protected static CancellationToken Ct => CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(Now);

    protected IParkedEventStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    protected abstract Task<IParkedEventStore> CreateStoreAsync(TimeProvider timeProvider);

    public virtual async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(Time);
        _stores.Add(_store);
    }

    public virtual Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            (store as IDisposable)?.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task KeepsAParkedEventByteForByte()
    {
        var parked = Parked(Acme, "p-1", "e-1", eventMinutesAgo: 5) with { Payload = "{ \"id\": \"e-1\",\n \"note\": \"caf\u00e9 \u2603\" }", Transport = "sqs" };

        await Store.ParkAsync(parked, Ct);

        var stored = Assert.Single(await Store.ListForProductAsync(Acme, "p-1", Ct));
        Assert.Equal(parked with { Id = stored.Id }, stored);
        Assert.Equal(1, stored.Attempts);
        Assert.Equal(1, await Store.CountAsync(Ct));
    }

    [Fact]
    public async Task ParkingTheSameEventAgainOnlyCountsAnAttempt()
    {
        var parked = Parked(Acme, "p-1", "e-1", eventMinutesAgo: 5);
        await Store.ParkAsync(parked, Ct);
        var first = Assert.Single(await Store.ListAllAsync(10, Ct));
        Time.Advance(TimeSpan.FromSeconds(30));

        await Store.ParkAsync(parked with { ParkedAt = Time.GetUtcNow(), Payload = "{\"changed\":true}" }, Ct);
        await Store.ParkAsync(parked with { ParkedAt = Time.GetUtcNow() }, Ct);

        var again = Assert.Single(await Store.ListAllAsync(10, Ct));
        Assert.Equal(first with { Attempts = 3 }, again);
        Assert.Equal(1, await Store.CountAsync(Ct));
    }

    [Fact]
    public async Task TheSameEventIdOfAnotherTypeOrTenantIsAnotherParkedEvent()
    {
        await Store.ParkAsync(Parked(Acme, "p-1", "e-1", 5), Ct);
        await Store.ParkAsync(Parked(Acme, "p-1", "e-1", 5) with { DetailType = ProductEventTypes.Updated }, Ct);
        await Store.ParkAsync(Parked(Globex, "p-1", "e-1", 5), Ct);

        Assert.Equal(3, await Store.CountAsync(Ct));
        Assert.Equal(3, (await Store.ListAllAsync(10, Ct)).Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public async Task ListsOneProductsEventsOldestEventFirst()
    {
        await Store.ParkAsync(Parked(Acme, "p-1", "sold", eventMinutesAgo: 1), Ct);
        await Store.ParkAsync(Parked(Acme, "p-1", "update-2", eventMinutesAgo: 3), Ct);
        await Store.ParkAsync(Parked(Acme, "p-1", "update-1", eventMinutesAgo: 7), Ct);
        await Store.ParkAsync(Parked(Acme, "p-2", "other-product", eventMinutesAgo: 9), Ct);
        await Store.ParkAsync(Parked(Globex, "p-1", "other-tenant", eventMinutesAgo: 9), Ct);

        var listed = await Store.ListForProductAsync(Acme, "p-1", Ct);

        Assert.Equal(["update-1", "update-2", "sold"], listed.Select(p => p.EventId));
        Assert.Empty(await Store.ListForProductAsync(Acme, "p-3", Ct));
    }

    [Fact]
    public async Task ListsEveryTenantsEventsOldestEventFirstUpToTheLimit()
    {
        await Store.ParkAsync(Parked(Acme, "p-1", "a", eventMinutesAgo: 2), Ct);
        await Store.ParkAsync(Parked(Globex, "p-9", "b", eventMinutesAgo: 8), Ct);
        await Store.ParkAsync(Parked(Acme, "p-2", "c", eventMinutesAgo: 5), Ct);
        await Store.ParkAsync(Parked(Globex, "p-1", "d", eventMinutesAgo: 1), Ct);

        Assert.Equal(["b", "c", "a", "d"], (await Store.ListAllAsync(100, Ct)).Select(p => p.EventId));
        Assert.Equal(["b", "c"], (await Store.ListAllAsync(2, Ct)).Select(p => p.EventId));
    }

    [Fact]
    public async Task RemovesByIdOnce()
    {
        await Store.ParkAsync(Parked(Acme, "p-1", "keep", 2), Ct);
        await Store.ParkAsync(Parked(Acme, "p-1", "remove", 1), Ct);
        var id = (await Store.ListForProductAsync(Acme, "p-1", Ct)).Single(p => p.EventId == "remove").Id;

        Assert.True(await Store.RemoveAsync(id, Ct));
        Assert.False(await Store.RemoveAsync(id, Ct));
        Assert.False(await Store.RemoveAsync(id + 12345, Ct));

        Assert.Equal(["keep"], (await Store.ListForProductAsync(Acme, "p-1", Ct)).Select(p => p.EventId));
        Assert.Equal(1, await Store.CountAsync(Ct));
    }

    [Fact]
    public async Task ARemovedEventParkedAgainStartsAtOneAttemptWithANewId()
    {
        var parked = Parked(Acme, "p-1", "e-1", 2);
        await Store.ParkAsync(parked, Ct);
        await Store.ParkAsync(parked, Ct);
        var first = Assert.Single(await Store.ListAllAsync(10, Ct));
        await Store.RemoveAsync(first.Id, Ct);

        await Store.ParkAsync(parked, Ct);

        var again = Assert.Single(await Store.ListAllAsync(10, Ct));
        Assert.Equal(1, again.Attempts);
        Assert.NotEqual(first.Id, again.Id);
    }

    [Fact]
    public async Task KeepsTheSoldEventsResolvedPhotoFromItsFirstParking()
    {
        await Store.ParkAsync(Parked(Acme, "p-1", "e-1", 5) with { ImageKey = "acme/0f/0f1e2d.jpg" }, Ct);
        await Store.ParkAsync(Parked(Acme, "p-1", "e-1", 5), Ct);
        await Store.ParkAsync(Parked(Acme, "p-2", "e-2", 5), Ct);

        var all = await Store.ListAllAsync(10, Ct);

        Assert.Equal("acme/0f/0f1e2d.jpg", Assert.Single(all, p => p.EventId == "e-1").ImageKey);
        Assert.Null(Assert.Single(all, p => p.EventId == "e-2").ImageKey);
    }

    [Fact]
    public async Task ManyParkedEventsGetDistinctIds()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Store.ParkAsync(Parked(i % 2 == 0 ? Acme : Globex, $"p-{i % 5}", $"e-{i}", i % 7), Ct)));

        var all = await Store.ListAllAsync(1000, Ct);

        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Select(p => p.Id).Distinct().Count());
        Assert.Equal(40, await Store.CountAsync(Ct));
    }

    protected ParkedEvent Parked(TenantId tenant, string productId, string eventId, int eventMinutesAgo) => new()
    {
        Tenant = tenant,
        ProductId = productId,
        EventId = eventId,
        DetailType = ProductEventTypes.Sold,
        Payload = $"{{\"id\":\"{eventId}\"}}",
        Transport = "http",
        EventTime = Now.AddMinutes(-eventMinutesAgo),
        ExpiresAt = Now.AddMinutes(-eventMinutesAgo).AddHours(1),
        ParkedAt = Time.GetUtcNow(),
    };
}
