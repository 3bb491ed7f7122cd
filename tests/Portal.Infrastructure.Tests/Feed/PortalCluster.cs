using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Portal.Core.Images;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Tests.Sqs;
using Portal.Infrastructure.Tests.Worker;

namespace Portal.Infrastructure.Tests.Feed;

/// <summary>
/// Real hosts on one store, as in production: portals (<c>Portal.Web</c>, Development sign-in), the worker reading the
/// loopback SQS queue, and <c>portal import</c> runs, each its own process, all on the provider <paramref name="storage"/>
/// sets up (one data folder on the embedded default; dynalite and s3rver on AWS). Talks to them only over HTTP, SQS and the
/// command line; reads the store around them.
/// </summary>
internal sealed class PortalCluster(ClusterStorage storage, FakeSqsServer sqs, string queueUrl) : IAsyncDisposable
{
    public const string Tenant = "demo";

    private readonly List<WorkerProcess> _processes = [];

    public string DataDirectory => storage.DataDirectory;

    public IImageStore Images => storage.Images;

    public IEnumerable<string> Output => _processes.SelectMany(p => p.Output);

    public PortalHandle StartPortal(string name, int? port = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var url = $"http://127.0.0.1:{port ?? FreePort()}";
        var environment = CommonEnvironment("Development");
        environment["ASPNETCORE_URLS"] = url;
        environment["Logging__LogLevel__Default"] = "Warning";
        // The default development user (Admin) also holds Ops, so /health/ready shows it the checks' detail.
        environment["DevelopmentIdentity__Users__0__Roles__1"] = "Ops";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = WorkerProcess.Start(name, WorkerProcess.PortalDll, [], environment, Path.GetDirectoryName(WorkerProcess.PortalDll)!);
        _processes.Add(process);
        return new PortalHandle(name, new Uri(url), process);
    }

    public WorkerProcess StartWorker(string name)
    {
        var environment = CommonEnvironment("Production");
        environment["Sync__KnownTenants__0"] = Tenant;
        environment["Sync__Sqs__QueueUrl"] = queueUrl;
        environment["Sync__Sqs__ServiceUrl"] = sqs.ServiceUrl;
        environment["Sync__Sqs__Region"] = "eu-west-1";
        environment["Sync__Sqs__WaitTime"] = "00:00:01";
        environment["Sync__Sqs__VisibilityTimeout"] = "00:00:10";
        environment["Sync__Sqs__Concurrency"] = "4";
        environment["Sync__Images__AllowPrivateNetworks"] = "true";
        var worker = WorkerProcess.Start(name, environment, storage.DataDirectory);
        _processes.Add(worker);
        return worker;
    }

    /// <summary>Runs <c>portal import</c> on the shared data folder to its end; fails the test with its output if it fails.</summary>
    public async Task ImportAsync(string manifest, string imagesRoot)
    {
        var environment = CommonEnvironment("Production");
        var cli = WorkerProcess.Start("import", WorkerProcess.CliDll,
            ["import", "--manifest", manifest, "--tenant", Tenant, "--images-root", imagesRoot, "--data-dir", storage.DataDirectory, "--json"],
            environment, Path.GetDirectoryName(WorkerProcess.CliDll)!);
        _processes.Add(cli);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"portal import exited with {exit}:\n" + string.Join('\n', cli.Output));
    }

    /// <summary>A listed and a sold event per sale, sent to the worker's queue as EventBridge delivers them.</summary>
    public async Task SendToQueueAsync(IEnumerable<FeedSale> sales)
    {
        var options = new SqsConsumerOptions { ServiceUrl = sqs.ServiceUrl, Region = "eu-west-1" };
        using var sender = new AmazonSQSClient(new BasicAWSCredentials("AKIDEXAMPLE", "test-secret"), SqsServiceCollectionExtensions.CreateClientConfig(options));
        foreach (var sale in sales)
        {
            await sender.SendMessageAsync(queueUrl, sale.Listed().ToJsonString());
            await sender.SendMessageAsync(queueUrl, sale.Sold().ToJsonString());
        }
    }

    /// <summary>The live sale ids of a category in the shared store.</summary>
    public Task<IReadOnlyList<string>> StoredSaleIdsAsync(string? category = null) => storage.StoredSaleIdsAsync(category);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    private Dictionary<string, string> CommonEnvironment(string environmentName)
    {
        var environment = CommonEnvironment(environmentName, storage.DataDirectory);
        foreach (var (key, value) in storage.Settings)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static Dictionary<string, string> CommonEnvironment(string environmentName, string dataDirectory) => new()
    {
        ["DOTNET_ENVIRONMENT"] = environmentName,
        ["ASPNETCORE_ENVIRONMENT"] = environmentName,
        ["Portal__DataDirectory"] = dataDirectory,
        ["Portal__SeedDemoData"] = "false",
        ["Jobs__Enabled"] = "false",
        ["Sync__LakeBatchMaxAge"] = "00:00:00.500",
        ["Sync__LakePollInterval"] = "00:00:00.200",
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "test-secret",
        ["AWS_REGION"] = "eu-west-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One portal process and its HTTP client (signed in as the Development identity's first user, tenant <c>demo</c>).</summary>
internal sealed class PortalHandle(string name, Uri baseAddress, WorkerProcess process)
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public string Name => name;

    public Uri BaseAddress => baseAddress;

    public WorkerProcess Process => process;

    /// <summary>Waits until <c>/health/ready</c> answers 200 (the index has loaded).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < timeout)
        {
            Assert.False(process.HasExited, $"{name} exited with code {(process.HasExited ? process.ExitCode : 0)} before it was ready:\n" + string.Join('\n', process.Output));
            try
            {
                using var response = await _http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Fail($"{name} was not ready after {timeout.TotalSeconds:0} s; last answer: {last}");
    }

    /// <summary>The <c>feed</c> entry of <c>/health/ready</c>: this host's watermark, lag and how many sales its index holds.</summary>
    public async Task<JsonObject> FeedHealthAsync()
    {
        using var response = await _http.GetAsync("/health/ready");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return body["checks"]!["feed"]!.AsObject();
    }

    public async Task PostEventsAsync(IEnumerable<FeedSale> sales)
    {
        var batch = new JsonArray();
        foreach (var sale in sales)
        {
            batch.Add(sale.Listed());
            batch.Add(sale.Sold());
        }

        using var content = new StringContent(batch.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/api/events", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/events to {name}: {(int)response.StatusCode} {body}");
        Assert.Equal(0, JsonNode.Parse(body)!["rejected"]!.GetValue<int>());
    }

    /// <summary>The sale ids among the comparables of a price suggestion for the photo in the category (none when it cannot price).</summary>
    public async Task<IReadOnlyList<string>> ComparableSaleIdsAsync(byte[] photo, string category)
    {
        using var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(photo);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(image, "images", "photo.jpg");
        form.Add(new StringContent(category), "category");
        form.Add(new StringContent("very_good"), "condition");
        using var response = await _http.PostAsync("/api/pricing/calculate", form);
        var body = await response.Content.ReadAsStringAsync();
        // A category the portal's index has never seen is refused (400), one with too few sales cannot be priced (422).
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity
            || (response.StatusCode == HttpStatusCode.BadRequest && body.Contains("Unknown category", StringComparison.Ordinal)))
        {
            return [];
        }

        Assert.True(response.IsSuccessStatusCode, $"POST /api/pricing/calculate to {name}: {(int)response.StatusCode} {body}");
        return [.. JsonNode.Parse(body)!["comparables"]!.AsArray().Select(c => c!["saleId"]!.GetValue<string>())];
    }

    /// <summary>Polls the portal until every expected sale is a comparable of the photo; returns how long it took.</summary>
    public async Task<TimeSpan> WaitForComparablesAsync(byte[] photo, string category, IReadOnlyCollection<string> expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> last = [];
        while (clock.Elapsed < timeout)
        {
            Assert.False(process.HasExited, $"{name} exited with code {(process.HasExited ? process.ExitCode : 0)}.");
            last = await ComparableSaleIdsAsync(photo, category);
            if (expected.All(last.Contains))
            {
                return clock.Elapsed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Fail($"{name}: after {timeout.TotalSeconds:0} s the comparables of '{category}' are [{string.Join(", ", last)}]; expected [{string.Join(", ", expected)}].");
        return clock.Elapsed;
    }
}

/// <summary>A product listed then sold, with its photo already in the shared image store.</summary>
internal sealed record FeedSale(string ProductId, string SaleId, string Category, string ImageKey, DateTimeOffset SoldAt)
{
    public JsonObject Listed() => TrailShoeEvents.Listed(PortalCluster.Tenant, ProductId, Category, SoldAt.AddMinutes(-1));

    public JsonObject Sold() => TrailShoeEvents.Sold(PortalCluster.Tenant, ProductId, SaleId, Category, ImageKey, SoldAt);
}
