using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Aws.Signing;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.Bedrock;

/// <summary>
/// The Bedrock adapters as <c>AddBedrockAdapters</c> registers them, pointed at a loopback stand-in, with the pieces
/// <c>AddAwsAdapters</c> and the embedded defaults would add around them (region, signer, keys, local assessor, a real SQLite
/// embedding store in a temporary folder). Retries wait milliseconds, not seconds.
/// </summary>
internal sealed class BedrockTestServices : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portal-bedrock-").FullName;

    public BedrockTestServices(string serviceUrl, IDictionary<string, string?>? settings = null, AwsSigningCredentials? credentials = null, string region = TestAwsKeys.Region)
    {
        var values = new Dictionary<string, string?>
        {
            ["Aws:Region"] = region,
            ["Aws:Stage"] = "test",
            ["Aws:Bedrock:ServiceUrl"] = serviceUrl,
            ["Aws:Bedrock:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<AwsOptions>().Bind(Configuration.GetSection(AwsOptions.SectionName)).ValidateDataAnnotations();
        services.AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(credentials ?? TestAwsKeys.Credentials));
        services.AddSingleton<SigV4Signer>();
        services.AddSingleton<LocalQualityAssessor>();
        EmbeddingStore = new SqliteImageEmbeddingStore(Path.Combine(_directory, "sales.db"), TimeProvider.System);
        services.AddSingleton<IImageEmbeddingStore>(EmbeddingStore);
        services.AddBedrockAdapters(Configuration);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IConfiguration Configuration { get; }

    public ServiceProvider Provider { get; }

    public SqliteImageEmbeddingStore EmbeddingStore { get; }

    public string DataDirectory => _directory;

    public T Get<T>()
        where T : notnull => Provider.GetRequiredService<T>();

    public void Dispose()
    {
        Provider.Dispose();
        EmbeddingStore.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
