using System.Net.Http.Json;
using System.Text.Json;
using Portal.Web.Tests.Security;

namespace Portal.Web.Tests.Api.Batches;

/// <summary>
/// Nothing is lost on restart: a batch stored by one portal that did not price it is picked up by a second portal
/// instance started on the same data directory, and completed there.
/// </summary>
public sealed class BatchRestartTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-batch-restart-").FullName;

    private ConfiguredPortalFactory Portal(bool prices) => new("Development", new Dictionary<string, string?>
    {
        ["Portal:DataDirectory"] = _dataDirectory,
        ["Portal:SeedDemoData"] = "true",
        ["Portal:DemoSales"] = "300",
        ["Pricing:Batches:PriceOnThisHost"] = prices ? "true" : "false",
    });

    [Fact]
    public async Task ASecondPortalOnTheSameStorePricesTheBatchTheFirstLeftQueued()
    {
        Uri status;
        await using (var first = Portal(prices: false))
        {
            using var client = first.CreateClient();
            await DemoPortal.WaitUntilSeededAsync(client);
            status = await BatchUploads.SubmitAsync(client, BatchUploads.ShoesWithOneMissing(4));
            await Task.Delay(500);
            var queued = await client.GetFromJsonAsync<JsonElement>(status);
            Assert.Equal("queued", queued.GetProperty("status").GetString());
            Assert.Equal(4, queued.GetProperty("counts").GetProperty("pending").GetInt32());
        }

        await using var second = Portal(prices: true);
        using var again = second.CreateClient();
        var done = await BatchUploads.WaitUntilCompletedAsync(again, status);

        Assert.Equal(4, done.GetProperty("counts").GetProperty("priced").GetInt32());
        Assert.Equal(1, done.GetProperty("counts").GetProperty("invalid").GetInt32());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        DemoPortal.DeleteDataDirectory(_dataDirectory);
        return Task.CompletedTask;
    }
}
