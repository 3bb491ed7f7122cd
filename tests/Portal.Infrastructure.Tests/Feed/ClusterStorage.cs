using Amazon.S3.Model;
using Microsoft.Data.Sqlite;
using Portal.Core.Images;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Aws.S3;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Tests.Aws.S3;
using Portal.Infrastructure.Tests.Worker;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Feed;

/// <summary>
/// What the hosts of a <see cref="PortalCluster"/> share besides the queue, for one provider: the settings every process gets
/// (its environment), the image store the test puts photos in, and a read of the store's sales that goes around every host.
/// </summary>
internal sealed class ClusterStorage : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private ClusterStorage(string name, string dataDirectory)
    {
        Name = name;
        DataDirectory = dataDirectory;
    }

    public string Name { get; }

    /// <summary>The local folder every host shares (the store itself on the embedded default; models and scratch on AWS).</summary>
    public string DataDirectory { get; }

    /// <summary>Environment of every process (portal, worker, <c>portal</c> tool), on top of the cluster's common settings.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    public IImageStore Images { get; private set; } = null!;

    private Func<string?, Task<IReadOnlyList<string>>> _storedSaleIds = _ => Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The live sale ids of the cluster's tenant (of one category), read from the store, not through a host.</summary>
    public Task<IReadOnlyList<string>> StoredSaleIdsAsync(string? category = null) => _storedSaleIds(category);

    /// <summary>The embedded default: SQLite, Parquet and photos in one data folder.</summary>
    public static ClusterStorage Embedded(string dataDirectory)
    {
        var storage = new ClusterStorage("embedded", dataDirectory)
        {
            Images = new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(dataDirectory, "images") }),
        };
        storage._storedSaleIds = category => SqliteSaleIdsAsync(Path.Combine(dataDirectory, "sales.db"), category);
        return storage;
    }

    /// <summary>
    /// <c>Portal:Provider = Aws</c> on the local stand-ins: dynalite for DynamoDB (tables made by <c>portal provision aws</c>),
    /// s3rver for the photo and lake buckets. Bedrock is off (ResNet18 embeds, the local assessor grades), Athena is named but
    /// not asked (nothing here reads trends).
    /// </summary>
    public static async Task<ClusterStorage> AwsAsync(string dataDirectory)
    {
        var storage = new ClusterStorage("aws", dataDirectory);
        try
        {
            var dynalite = await NodeTestServer.StartDynaliteAsync();
            storage._owned.Add(dynalite);
            var s3rver = await NodeTestServer.StartS3rverAsync();
            storage._owned.Add(s3rver);

            const string Stage = "feed";
            var s3Options = new S3Options { ImagesBucket = "feed-images", LakeBucket = "feed-lake", ServiceUrl = s3rver.ServiceUrl, ForcePathStyle = true };
            var s3 = S3rverFixture.CreateClient(s3Options);
            storage._owned.Add(new Disposer(s3.Dispose));
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = s3Options.ImagesBucket });
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = s3Options.LakeBucket });
            storage.Images = new S3ImageStore(s3, s3Options, new S3UrlPresigner(s3Options, TestAwsKeys.Region, TestAwsKeys.SdkCredentials(), TimeProvider.System));

            foreach (var (key, value) in new Dictionary<string, string>
            {
                ["Portal__Provider"] = "Aws",
                ["AWS_ACCESS_KEY_ID"] = TestAwsKeys.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = TestAwsKeys.SecretAccessKey,
                ["Aws__Region"] = TestAwsKeys.Region,
                ["Aws__Stage"] = Stage,
                ["Aws__DynamoDb__ServiceUrl"] = dynalite.ServiceUrl,
                ["Aws__S3__ServiceUrl"] = s3rver.ServiceUrl,
                ["Aws__S3__ForcePathStyle"] = "true",
                ["Aws__S3__ImagesBucket"] = s3Options.ImagesBucket,
                ["Aws__S3__LakeBucket"] = s3Options.LakeBucket,
                ["Aws__Athena__Database"] = "pricing_portal_feed",
                ["Aws__Bedrock__UseForEmbeddings"] = "false",
                ["Aws__Bedrock__UseForQuality"] = "false",
            })
            {
                storage.Settings[key] = value;
            }

            await ProvisionAsync(storage, Stage);
            var dynamo = TestDynamoDb.CreateClient(dynalite.ServiceUrl);
            storage._owned.Add(new Disposer(dynamo.Dispose));
            var store = new DynamoDbSalesStore(dynamo, SalesIntelligenceTable.NameFor(Stage), new DynamoDbSalesOptions(), TimeProvider.System);
            storage._storedSaleIds = category => DynamoDbSaleIdsAsync(store, category);
            return storage;
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    /// <summary>The tables as an operator makes them: <c>portal provision aws</c> in its own process.</summary>
    private static async Task ProvisionAsync(ClusterStorage storage, string stage)
    {
        var environment = new Dictionary<string, string>(storage.Settings, StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        await using var cli = WorkerProcess.Start("provision", WorkerProcess.CliDll, ["provision", "aws", "--stage", stage], environment,
            Path.GetDirectoryName(WorkerProcess.CliDll)!);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"portal provision aws exited with {exit}:\n" + string.Join('\n', cli.Output));
    }

    private static async Task<IReadOnlyList<string>> DynamoDbSaleIdsAsync(DynamoDbSalesStore store, string? category)
    {
        var sales = await store.QuerySalesAsync(
            new SalesQuery { Tenant = new TenantId(PortalCluster.Tenant), Category = category, Limit = 10_000 }, CancellationToken.None);
        return [.. sales.Select(s => s.SaleId).Order(StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<string>> SqliteSaleIdsAsync(string database, string? category)
    {
        if (!File.Exists(database))
        {
            return [];
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = category is null
            ? "SELECT sale_id FROM sales WHERE tenant_id = $tenant ORDER BY sale_id;"
            : "SELECT sale_id FROM sales WHERE tenant_id = $tenant AND category = $category ORDER BY sale_id;";
        command.Parameters.AddWithValue("$tenant", PortalCluster.Tenant);
        command.Parameters.AddWithValue("$category", category ?? "");
        var ids = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // No host has created the schema yet.
        }

        return ids;
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        ValueTask IAsyncDisposable.DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
