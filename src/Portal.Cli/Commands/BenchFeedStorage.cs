using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Cli.Commands;

/// <summary>One host's view of the bench's store: its own instance (own connections), as another process would open it.</summary>
internal sealed record FeedBenchStore(ISalesStore Store, ISalesOutbox Outbox, ISalesChangeFeed Feed, Func<long> Requests, IDisposable Owner);

/// <summary>Where <c>portal bench feed</c> keeps its sales: a SQLite file per part (embedded default) or a DynamoDB table per part.</summary>
internal abstract class FeedBenchStorage : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Creates the (empty) store of one part of the bench (<c>feed</c>, <c>load</c>).</summary>
    public abstract Task PrepareAsync(string part, CancellationToken cancellationToken);

    public abstract FeedBenchStore Open(string part);

    /// <summary>What the part occupies, for the load line (empty when the store cannot say).</summary>
    public virtual string Size(string part) => "";

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class SqliteFeedBenchStorage(string root) : FeedBenchStorage
{
    public override string Name => "embedded (SQLite)";

    public override Task PrepareAsync(string part, CancellationToken cancellationToken) => Task.CompletedTask;

    public override FeedBenchStore Open(string part)
    {
        var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = Database(part) }, TimeProvider.System);
        return new FeedBenchStore(store, store, store, () => 0, store);
    }

    public override string Size(string part) =>
        string.Create(CultureInfo.InvariantCulture, $" ({new FileInfo(Database(part)).Length / 1e9:0.00} GB)");

    private string Database(string part) => Path.Combine(root, part + ".db");
}

/// <summary>
/// The sales-intelligence table (with its GSI-FEED) on a DynamoDB endpoint: one that runs (<c>--dynamodb-url</c>), or dynalite
/// started from <c>tests/tools</c> for the run. Each host gets its own client, whose HTTP requests are counted.
/// </summary>
internal sealed class DynamoDbFeedBenchStorage : FeedBenchStorage
{
    private const string Region = "eu-west-1";
    private readonly string _serviceUrl;
    private readonly Process? _dynalite;

    private DynamoDbFeedBenchStorage(string serviceUrl, Process? dynalite)
    {
        _serviceUrl = serviceUrl;
        _dynalite = dynalite;
    }

    public override string Name => _dynalite is null ? $"DynamoDB at {_serviceUrl}" : $"DynamoDB on dynalite (started at {_serviceUrl})";

    public static async Task<DynamoDbFeedBenchStorage> StartAsync(string? serviceUrl, CancellationToken cancellationToken)
    {
        if (serviceUrl is not null)
        {
            return new DynamoDbFeedBenchStorage(serviceUrl, null);
        }

        var cli = FindDynalite() ?? throw new CliUsageException(
            "dynalite was not found (tests/tools/node_modules/dynalite; run 'npm ci' in tests/tools): install it or pass --dynamodb-url of a running endpoint.");
        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { cli, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--createTableMs", "0", "--updateTableMs", "0", "--deleteTableMs", "0" },
        };
        var process = Process.Start(start) ?? throw new CliUsageException("node could not be started for dynalite: install Node.js or pass --dynamodb-url.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var storage = new DynamoDbFeedBenchStorage($"http://127.0.0.1:{port}", process);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return storage;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch
            {
                await storage.DisposeAsync();
                throw;
            }
        }
    }

    public override async Task PrepareAsync(string part, CancellationToken cancellationToken)
    {
        using var client = Client(new CountingHttpClientFactory());
        await new DynamoDbTableProvisioner(client, [new SalesIntelligenceTableSpec(Table(part))]).ProvisionAsync(null, cancellationToken);
    }

    public override FeedBenchStore Open(string part)
    {
        var counter = new CountingHttpClientFactory();
        var client = Client(counter);
        var store = new DynamoDbSalesStore(client, Table(part), new DynamoDbSalesOptions(), TimeProvider.System);
        return new FeedBenchStore(store, store, store, () => counter.Requests, client);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_dynalite is { HasExited: false })
        {
            _dynalite.Kill(entireProcessTree: true);
            await _dynalite.WaitForExitAsync();
        }

        _dynalite?.Dispose();
    }

    private static string Table(string part) => new DynamoDbSalesOptions().ResolveTableName("bench-" + part);

    private AmazonDynamoDBClient Client(CountingHttpClientFactory counter)
    {
        var config = DynamoDbServiceCollectionExtensions.CreateClientConfig(new DynamoDbOptions { ServiceUrl = _serviceUrl }, new AwsOptions { Region = Region, Stage = "bench" });
        config.HttpClientFactory = counter;
        // A local stand-in checks no signature; a real endpoint gets the default credential chain.
        AWSCredentials credentials = new Uri(_serviceUrl).IsLoopback ? new BasicAWSCredentials("bench", "bench") : DefaultCredentials();
        return new AmazonDynamoDBClient(credentials, config);
    }

    private static AWSCredentials DefaultCredentials() => Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials();

    /// <summary><c>tests/tools/node_modules/dynalite/cli.js</c> above the working folder or the tool's own folder.</summary>
    private static string? FindDynalite()
    {
        foreach (var origin in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(origin); directory is not null; directory = directory.Parent)
            {
                var cli = Path.Combine(directory.FullName, "tests", "tools", "node_modules", "dynalite", "cli.js");
                if (File.Exists(cli))
                {
                    return cli;
                }
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The SDK's HTTP client with every request counted (the requests a host makes are what DynamoDB bills).</summary>
    private sealed class CountingHttpClientFactory : HttpClientFactory
    {
        private long _requests;

        public long Requests => Interlocked.Read(ref _requests);

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new CountingHandler(this));

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        private sealed class CountingHandler(CountingHttpClientFactory factory) : DelegatingHandler(new SocketsHttpHandler())
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref factory._requests);
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
