using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Athena;
using Portal.Testing.Aws.Bedrock;
using Portal.Testing.Aws.Sns;

namespace Portal.EndToEnd.Tests.Aws;

/// <summary>
/// The portal with <c>Portal:Provider = Aws</c>: DynamoDB is dynalite, S3 is s3rver (both real servers on loopback), and
/// Athena, Bedrock and SNS are the loopback fakes that verify SigV4 (Athena answers from DuckDB over the lake objects copied
/// out of s3rver). The tables are provisioned with the same code as <c>portal provision aws</c> before the portal starts.
/// </summary>
public sealed class AwsPortalServer : PortalHost
{
    public const string Stage = "e2e";
    public const string Bucket = "pricing-portal-e2e";
    public const string TopicName = "pricing-portal-e2e-alerts";

    private readonly string _lakeMirror = Directory.CreateTempSubdirectory("portal-e2e-athena-").FullName;
    private NodeTestServer? _dynalite;
    private NodeTestServer? _s3rver;
    private AmazonS3Client? _s3;
    private FakeAthenaServer? _athena;
    private FakeBedrockServer? _bedrock;
    private FakeSnsServer? _sns;
    private string _topicArn = string.Empty;

    /// <summary>What provisioning printed, one line per action.</summary>
    public IReadOnlyList<string> ProvisioningOutput { get; private set; } = [];

    public FakeAthenaServer Athena => _athena!;

    public FakeBedrockServer Bedrock => _bedrock!;

    public AmazonS3Client S3 => _s3!;

    public string DynamoDbServiceUrl => _dynalite!.ServiceUrl;

    /// <summary>The settings the portal runs with; provisioning reads the same ones.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Portal:Provider"] = "Aws",
        ["Portal:DataDirectory"] = DataDirectory,
        ["Portal:SeedDemoData"] = "true",
        ["Portal:DemoSales"] = "600",
        ["Aws:Region"] = TestAwsKeys.Region,
        ["Aws:Stage"] = Stage,
        ["Aws:DynamoDb:ServiceUrl"] = _dynalite!.ServiceUrl,
        ["Aws:S3:ServiceUrl"] = _s3rver!.ServiceUrl,
        ["Aws:S3:ImagesBucket"] = Bucket,
        ["Aws:S3:LakeBucket"] = Bucket,
        ["Aws:S3:ForcePathStyle"] = "true",
        ["Aws:Athena:ServiceUrl"] = _athena!.ServiceUrl,
        ["Aws:Athena:Database"] = FakeAthenaServer.DefaultDatabase,
        ["Aws:Athena:OutputLocation"] = $"s3://{Bucket}/athena-results/",
        ["Aws:Athena:PollInterval"] = "00:00:00.05",
        ["Aws:Bedrock:ServiceUrl"] = _bedrock!.ServiceUrl,
        ["Aws:Bedrock:QualityTimeout"] = "00:00:02",
        ["Aws:Sns:TopicArn"] = _topicArn,
        ["Aws:Sns:ServiceUrl"] = _sns!.ServiceUrl,
        // Lake batches close fast, so events posted by a test reach the lake (and Athena) within the test.
        ["Sync:LakeBatchMaxAge"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>The one key pair every stand-in accepts (s3rver knows only its own).</summary>
    public static AWSCredentials Credentials() =>
        new BasicAWSCredentials(TestAwsKeys.S3rverCredentials.AccessKeyId, TestAwsKeys.S3rverCredentials.SecretAccessKey);

    protected override async Task BeforeStartAsync()
    {
        _dynalite = await NodeTestServer.StartDynaliteAsync();
        _s3rver = await NodeTestServer.StartS3rverAsync();
        _s3 = S3LakeMirror.CreateClient(_s3rver.ServiceUrl);
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        // A fresh copy per query: the trends page runs its queries in parallel, and one must not replace another's files.
        _athena = await FakeAthenaServer.StartAsync(cancellationToken =>
            S3LakeMirror.MirrorAsync(_s3, Bucket, Path.Combine(_lakeMirror, Guid.NewGuid().ToString("N")), cancellationToken));
        _bedrock = await FakeBedrockServer.StartAsync();
        _sns = await FakeSnsServer.StartAsync();
        _topicArn = _sns.CreateTopic(TopicName);
        ProvisioningOutput = await ProvisionAsync();
    }

    /// <summary>Runs the provisioning of <c>portal provision aws</c> with the portal's settings; returns its output lines.</summary>
    public async Task<IReadOnlyList<string>> ProvisionAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Services.AddSingleton(Credentials());
        builder.ConfigureForProvisioning(Stage);
        using var host = builder.Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AwsProvisioning.RunAsync(host.Services, dryRun: false, output, error, CancellationToken.None);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Provisioning failed ({exitCode}): {error}");
        }

        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    protected override void ConfigurePortal(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton(Credentials()));
    }

    protected override async Task AfterStopAsync()
    {
        _s3?.Dispose();
        foreach (var server in new IAsyncDisposable?[] { _sns, _bedrock, _athena, _s3rver, _dynalite })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_lakeMirror, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AwsPortalServerCollection : ICollectionFixture<AwsPortalServer>
{
    public const string Name = "aws-portal-server";
}
