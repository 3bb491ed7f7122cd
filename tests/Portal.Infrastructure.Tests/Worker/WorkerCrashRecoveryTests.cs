using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Infrastructure.Tests.Sqs;
using Xunit.Abstractions;

namespace Portal.Infrastructure.Tests.Worker;

/// <summary>
/// The real worker host as a child process consuming the loopback SQS queue: killed hard (SIGKILL) while it is working
/// through the queue, then restarted on the same data folder. Everything it was doing when it died — claimed events, a state
/// written without its sale, a sale not yet in the lake, a lake batch half written — must end up exactly once in both the
/// store and the lake.
/// </summary>
public sealed class WorkerCrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Tenant = "crash-test";
    private const int Products = 300;
    private const int Photos = 4;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(150);

    private readonly string _data = Directory.CreateTempSubdirectory("portal-worker-crash-").FullName;
    private readonly List<WorkerProcess> _workers = [];
    private FakeSqsServer _sqs = null!;

    public async Task InitializeAsync() => _sqs = await FakeSqsServer.StartAsync(TimeProvider.System);

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await _sqs.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp folder is left for the OS to clean.
        }
    }

    [Fact]
    public async Task WorkerKilledMidBatchThenRestartedLosesNothingAndDoublesNothing()
    {
        var passed = false;
        try
        {
            await RunScenarioAsync();
            passed = true;
        }
        finally
        {
            if (!passed)
            {
                foreach (var line in _workers.SelectMany(w => w.Output))
                {
                    output.WriteLine(line);
                }
            }
        }
    }

    private async Task RunScenarioAsync()
    {
        var clock = Stopwatch.StartNew();
        // The DLQ is there to prove nothing ends up in it; the higher receive count keeps a slow machine's late visibility
        // extension from moving a message there, which is the queue's policy at work, not the crash being recovered.
        var dlq = _sqs.CreateQueue("crash-events-dlq");
        var queue = _sqs.CreateQueue("crash-events", dlq, maxReceiveCount: 5);
        var photoKeys = await StorePhotosAsync();
        var expectedSaleIds = await SendEventsAsync(queue, photoKeys);
        output.WriteLine($"{Products * 2} events queued in {clock.Elapsed.TotalSeconds:0.0} s");

        var data = new WorkerDataReader(_data, Tenant);
        var first = StartWorker("worker-1", queue);

        // Some sales are in the store, some of them already in the lake and some not yet, and most are still to come.
        await WaitForAsync(first, data, s => s.Sales >= Products / 4 && s.OutboxDrained > 0 && s.OutboxPending > 0, StartTimeout,
            "the first worker to store a quarter of the sales and drain some, not all, into the lake");
        Assert.False(first.HasExited, "The first worker stopped on its own before it was killed.");
        await first.KillHardAsync(TimeSpan.FromSeconds(30));
        var afterKill = await data.ReadStoreAsync();
        var inFlight = _sqs.Messages(queue).Count(m => m.ReceiveCount > 0);
        var lakeAfterKill = await data.ReadLakeAsync();
        output.WriteLine($"killed at {clock.Elapsed.TotalSeconds:0.0} s (exit code {first.ExitCode}): {afterKill}; lake {lakeAfterKill.Rows} rows; "
            + $"{_sqs.Messages(queue).Count} messages left, {inFlight} of them received by the dead worker");
        Assert.True(afterKill.Sales < Products, $"The worker was killed too late to test anything: all {Products} sales were already stored ({afterKill}).");
        Assert.True(_sqs.Messages(queue).Count > 0, "The worker was killed with nothing left in the queue.");

        var second = StartWorker("worker-2", queue);
        var done = await WaitForAsync(second, data, s => s.OutboxPending == 0 && s.Parked == 0 && s.Sales >= Products && _sqs.Messages(queue).Count == 0,
            FinishTimeout, "the restarted worker to empty the queue, store every sale and drain the outbox");
        // Killed again so the files cannot change under the assertions (the lake is complete: the outbox is drained).
        await second.KillHardAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"recovered at {clock.Elapsed.TotalSeconds:0.0} s: {done}");

        var store = await data.ReadStoreAsync();
        var lake = await data.ReadLakeAsync();
        var letters = await data.ReadDeadLettersAsync();
        Assert.True(letters.Count == 0, "Dead letters after the restart:\n" + string.Join('\n', letters));
        Assert.Empty(_sqs.Messages(dlq));
        Assert.Empty(_sqs.Messages(queue));
        Assert.Equal(expectedSaleIds.Count, store.Sales);
        Assert.Equal(expectedSaleIds.Count, store.DistinctSales);
        Assert.Equal(expectedSaleIds.Count, store.ProductsSold);
        Assert.Equal(0, store.OutboxPending);
        Assert.Equal(0, store.Parked);
        Assert.True(lake.DuplicatedSaleIds.Count == 0, "Sales doubled in the lake: " + string.Join(", ", lake.DuplicatedSaleIds.Take(20)));
        Assert.Equal(expectedSaleIds.Count, lake.Rows);
        Assert.Equal(expectedSaleIds.Count, lake.DistinctSaleIds);
        Assert.Equal(expectedSaleIds.Order(StringComparer.Ordinal), lake.SaleIds.Order(StringComparer.Ordinal));
        Assert.Equal(0, lake.RowsWithoutEmbedding);
    }

    /// <summary>A handful of distinct photos in the worker's image store, so the sold events embed only a few images.</summary>
    private async Task<IReadOnlyList<string>> StorePhotosAsync()
    {
        var store = new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(_data, "images") });
        var keys = new List<string>();
        for (var seed = 1; seed <= Photos; seed++)
        {
            keys.Add(await store.SaveAsync(Tenant, ImagingTestData.Jpeg(320, 240, seed), "image/jpeg", CancellationToken.None));
        }

        return keys;
    }

    /// <summary>One message per event, as EventBridge delivers them: each product listed, then sold. Returns the sale ids.</summary>
    private async Task<IReadOnlyList<string>> SendEventsAsync(string queue, IReadOnlyList<string> photoKeys)
    {
        var options = new SqsConsumerOptions { ServiceUrl = _sqs.ServiceUrl, Region = "eu-west-1" };
        using var sender = new AmazonSQSClient(new BasicAWSCredentials("AKIDEXAMPLE", "test-secret"), SqsServiceCollectionExtensions.CreateClientConfig(options));
        var now = DateTimeOffset.UtcNow;
        var saleIds = new List<string>();
        for (var i = 0; i < Products; i++)
        {
            var product = $"p-{i:D4}";
            var saleId = $"sale-{i:D4}";
            saleIds.Add(saleId);
            await sender.SendMessageAsync(queue, Listed(product, now.AddMinutes(-5)).ToJsonString());
            await sender.SendMessageAsync(queue, Sold(product, saleId, photoKeys[i % photoKeys.Count], now.AddMinutes(-4)).ToJsonString());
        }

        return saleIds;
    }

    private WorkerProcess StartWorker(string name, string queue)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Portal__DataDirectory"] = _data,
            ["Portal__SeedDemoData"] = "false",
            ["Jobs__Enabled"] = "false",
            ["Sync__KnownTenants__0"] = Tenant,
            // Short leases, visibility and lake batches: the restarted worker takes over the dead one's claims within seconds.
            ["Sync__IdempotencyLease"] = "00:00:05",
            ["Sync__RetryBaseDelay"] = "00:00:00.050",
            ["Sync__ParkedRetryInterval"] = "00:00:01",
            ["Sync__LakeBatchMaxRows"] = "40",
            ["Sync__LakeBatchMaxAge"] = "00:00:00.300",
            ["Sync__LakePollInterval"] = "00:00:00.200",
            ["Sync__Sqs__QueueUrl"] = queue,
            ["Sync__Sqs__ServiceUrl"] = _sqs.ServiceUrl,
            ["Sync__Sqs__Region"] = "eu-west-1",
            ["Sync__Sqs__WaitTime"] = "00:00:01",
            ["Sync__Sqs__VisibilityTimeout"] = "00:00:05",
            ["Sync__Sqs__Concurrency"] = "8",
            ["Worker__HealthLogInterval"] = "00:00:05",
            // Dummy credentials for the loopback endpoint; no instance metadata lookups.
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "test-secret",
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        var worker = WorkerProcess.Start(name, environment, _data);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Polls the store until <paramref name="condition"/> holds; fails with what it saw if the time runs out or the worker dies.</summary>
    private static async Task<StoreSnapshot> WaitForAsync(WorkerProcess worker, WorkerDataReader data, Func<StoreSnapshot, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = StoreSnapshot.Empty;
        while (clock.Elapsed < timeout)
        {
            last = await data.ReadStoreAsync();
            if (condition(last))
            {
                return last;
            }

            if (worker.HasExited)
            {
                Assert.Fail($"{worker.Name} exited with code {worker.ExitCode} while waiting for {what}; last seen: {last}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last seen: {last}.");
        return last;
    }

    private static JsonObject Listed(string productId, DateTimeOffset time) => TrailShoeEvents.Listed(Tenant, productId, "shoes", time);

    private static JsonObject Sold(string productId, string saleId, string imageKey, DateTimeOffset time) =>
        TrailShoeEvents.Sold(Tenant, productId, saleId, "shoes", imageKey, time);
}
