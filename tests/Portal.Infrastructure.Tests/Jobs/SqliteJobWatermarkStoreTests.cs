using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class SqliteJobWatermarkStoreTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-watermarks-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task AWatermarkIsAbsentUntilSetThenTheLatestValueSurvivesAReopen()
    {
        var path = Path.Combine(_root.FullName, "sales.db");
        using (var store = new SqliteJobWatermarkStore(path, new FakeTimeProvider()))
        {
            Assert.Null(await store.GetAsync("smartgo-import", default));
            await store.SetAsync("smartgo-import", "a", default);
            await store.SetAsync("smartgo-import", "b", default);
            await store.SetAsync("validation", "v", default);
        }

        using var reopened = new SqliteJobWatermarkStore(path, new FakeTimeProvider());
        Assert.Equal("b", await reopened.GetAsync("smartgo-import", default));
        Assert.Equal("v", await reopened.GetAsync("validation", default));
    }
}
