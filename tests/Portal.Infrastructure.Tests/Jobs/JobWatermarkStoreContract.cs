using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

/// <summary>The behaviour every <see cref="IJobWatermarkStore"/> must have; SQLite and DynamoDB each derive once.</summary>
public abstract class JobWatermarkStoreContract : IAsyncLifetime
{
    /// <summary>Prepares this test's empty storage.</summary>
    protected abstract Task CreateStorageAsync();

    /// <summary>A new store instance over this test's storage (a reopen, or another host).</summary>
    protected abstract IJobWatermarkStore OpenStore(TimeProvider time);

    public Task InitializeAsync() => CreateStorageAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AWatermarkIsAbsentUntilSetThenTheLatestValueSurvivesAReopen()
    {
        var store = OpenStore(new FakeTimeProvider());
        Assert.Null(await store.GetAsync("smartgo-import", default));
        await store.SetAsync("smartgo-import", "a", default);
        await store.SetAsync("smartgo-import", "b", default);
        await store.SetAsync("validation", "v", default);

        var reopened = OpenStore(new FakeTimeProvider());
        Assert.Equal("b", await reopened.GetAsync("smartgo-import", default));
        Assert.Equal("v", await reopened.GetAsync("validation", default));
    }

    [Fact]
    public async Task AMissingJobNameOrWatermarkIsRefusedAndTheStoredOneStays()
    {
        var store = OpenStore(new FakeTimeProvider());
        await store.SetAsync("smartgo-import", "2026-03-01T02:00:00Z|s-9", default);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetAsync(" ", "x", default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetAsync("smartgo-import", null!, default));

        Assert.Equal("2026-03-01T02:00:00Z|s-9", await store.GetAsync("smartgo-import", default));
    }
}
