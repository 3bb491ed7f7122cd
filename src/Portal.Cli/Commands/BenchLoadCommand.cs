using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Portal.Core.Pricing.Similarity;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench load</c>: start-up at scale. Writes <c>--sales</c> sales with <c>--dimension</c>-d embeddings into a fresh
/// store (a SQLite file, or with <c>--provider aws</c> a table on <c>--dynamodb-url</c>, such as a local dynalite), then loads a new in-memory
/// index from it with the real <see cref="SalesIndexLoader"/> once per <c>--parallelism</c> value, and prints each load's
/// time and rate.
/// </summary>
internal static class BenchLoadCommand
{
    private const int WriteBatch = 5_000;

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("provider", "sales", "dimension", "parallelism", "dynamodb-url", "data-dir");
        var provider = args.Get("provider") ?? "local";
        var sales = args.GetInt("sales", 1_000_000);
        var dimension = args.GetInt("dimension", 512);
        var parallelisms = (args.Get("parallelism") ?? $"1,{Environment.ProcessorCount}")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 256
                ? n
                : throw new CliUsageException($"--parallelism takes numbers 1-256 separated by commas; got '{p}'."))
            .Distinct()
            .ToArray();
        if (sales < 1 || dimension < 1)
        {
            throw new CliUsageException("--sales and --dimension must be positive.");
        }

        switch (provider)
        {
            case "local":
                await SqliteAsync(args.Get("data-dir"), sales, dimension, parallelisms, cancellationToken);
                return 0;
            case "aws":
                var endpoint = args.Get("dynamodb-url") ?? throw new CliUsageException("--provider aws needs --dynamodb-url URL (a DynamoDB-compatible endpoint, such as a local dynalite).");
                await DynamoDbAsync(endpoint, sales, dimension, parallelisms, cancellationToken);
                return 0;
            default:
                throw new CliUsageException($"--provider is local or aws; got '{provider}'.");
        }
    }

    private static async Task SqliteAsync(string? dataDir, int sales, int dimension, int[] parallelisms, CancellationToken cancellationToken)
    {
        var root = dataDir ?? Directory.CreateTempSubdirectory("portal-bench-load-").FullName;
        var database = Path.Combine(root, "load.db");
        Console.WriteLine($"portal bench load: SQLite file in {root}");
        try
        {
            using (var writer = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = database }, TimeProvider.System))
            {
                await WriteAsync(writer, sales, dimension, cancellationToken);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  file {new FileInfo(database).Length / 1e9:0.00} GB"));
            foreach (var parallelism in parallelisms)
            {
                // A fresh store instance per load: its own connections, as a starting host has.
                using var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = database }, TimeProvider.System);
                await LoadAsync(store, parallelism, cancellationToken);
            }
        }
        finally
        {
            if (dataDir is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task DynamoDbAsync(string endpoint, int sales, int dimension, int[] parallelisms, CancellationToken cancellationToken)
    {
        var aws = new AwsOptions { Region = "us-east-1" };
        // A long timeout: a Scan page of 512-d sales from a local stand-in on a busy machine can take seconds.
        var config = DynamoDbServiceCollectionExtensions.CreateClientConfig(new DynamoDbOptions { ServiceUrl = endpoint, RequestTimeout = TimeSpan.FromMinutes(1) }, aws);
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("bench", "bench"), config);
        var table = "sales-intelligence-bench-" + Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"portal bench load: table {table} on {endpoint}");
        await new DynamoDbTableProvisioner(client, [new SalesIntelligenceTableSpec(table)], new ProvisioningTimings { PollInterval = TimeSpan.FromMilliseconds(200) })
            .ProvisionAsync(null, cancellationToken);
        try
        {
            var options = new DynamoDbSalesOptions();
            await WriteAsync(new DynamoDbSalesStore(client, table, options, TimeProvider.System), sales, dimension, cancellationToken);
            foreach (var parallelism in parallelisms)
            {
                await LoadAsync(new DynamoDbSalesStore(client, table, options, TimeProvider.System), parallelism, cancellationToken);
            }
        }
        finally
        {
            await client.DeleteTableAsync(new DeleteTableRequest { TableName = table }, CancellationToken.None);
        }
    }

    private static async Task WriteAsync(ISalesStore store, int sales, int dimension, CancellationToken cancellationToken)
    {
        var random = new Random(11);
        var now = DateTimeOffset.UtcNow;
        var write = Stopwatch.StartNew();
        for (var from = 0; from < sales; from += WriteBatch)
        {
            var batch = Enumerable.Range(from, Math.Min(WriteBatch, sales - from))
                .Select(i => (Sale(i, now.AddMinutes(-i % 500_000)), (StoredEmbedding?)new StoredEmbedding("bench", BenchSales.Vector(random, dimension))))
                .ToList();
            await store.AddSalesAsync(batch, cancellationToken);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  wrote {sales} sales × {dimension}-d in {write.Elapsed.TotalSeconds:0.0} s ({sales / write.Elapsed.TotalSeconds:0} sales/s)"));
    }

    private static async Task LoadAsync(ISalesStore store, int parallelism, CancellationToken cancellationToken)
    {
        // The previous load's index is garbage by now; collect it so this load does not pay for it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var index = new InMemorySalesIndex();
        var loader = new SalesIndexLoader(store, index, TimeProvider.System, new IndexLoadProgress(), parallelism);
        var load = Stopwatch.StartNew();
        await loader.LoadAsync(cancellationToken);
        var seconds = load.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  index load, parallelism {parallelism}: {loader.SalesLoaded} sales in {seconds:0.0} s = {loader.SalesLoaded / seconds:0} sales/s " +
            $"(vectors {index.GetMemoryUsage().Float32Bytes / 1e9:0.00} GB; floor 1M ≤ 60 s on the embedded default)"));
    }

    private static SaleRecord Sale(int i, DateTimeOffset soldAt) => BenchSales.Sale(new TenantId("bench-" + (i % 4).ToString(CultureInfo.InvariantCulture)), i, soldAt);
}
