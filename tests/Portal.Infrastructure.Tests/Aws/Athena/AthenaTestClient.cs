using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.Athena;
using Portal.Infrastructure.Aws.Signing;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Athena;

namespace Portal.Infrastructure.Tests.Aws.Athena;

/// <summary>
/// The Athena adapters as <c>AddAthenaAdapters</c> registers them (options, named HTTP client with resilience and SigV4),
/// pointed at a <see cref="FakeAthenaServer"/>, with fast polling and retries so tests stay quick.
/// </summary>
internal sealed class AthenaTestClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private AthenaTestClient(ServiceProvider services) => _services = services;

    public AthenaClient Client => _services.GetRequiredService<AthenaClient>();

    public ISalesAnalytics Analytics => _services.GetRequiredService<ISalesAnalytics>();

    public IValidationLakeReader LakeReader => _services.GetRequiredService<IValidationLakeReader>();

    public AthenaOptions Options => _services.GetRequiredService<IOptions<AthenaOptions>>().Value;

    public static AthenaTestClient Create(
        FakeAthenaServer server,
        IDictionary<string, string?>? settings = null,
        AwsSigningCredentials? credentials = null,
        Func<CancellationToken, Task<IReadOnlyList<Portal.Core.Sales.TenantId>>>? tenants = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Aws:Region"] = TestAwsKeys.Region,
            ["Aws:Athena:Database"] = server.Database,
            ["Aws:Athena:ServiceUrl"] = server.ServiceUrl,
            ["Aws:Athena:OutputLocation"] = "s3://portal-athena-results/queries/",
            ["Aws:Athena:WorkGroup"] = "portal-analytics",
            ["Aws:Athena:PollInterval"] = "00:00:00.005",
            ["Aws:Athena:MaxPollInterval"] = "00:00:00.020",
            ["Aws:Athena:RetryBaseDelay"] = "00:00:00.001",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            // null = leave the key out, so the option keeps its default.
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName)).ValidateDataAnnotations();
        services.AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(credentials ?? TestAwsKeys.Credentials));
        services.AddSingleton<SigV4Signer>();
        services.AddAthenaAdapters(configuration);
        if (tenants is not null)
        {
            services.AddSingleton<IValidationLakeReader>(sp => new AthenaValidationLakeReader(
                sp.GetRequiredService<AthenaClient>(), sp.GetRequiredService<IOptions<AthenaOptions>>(), tenants));
        }

        return new AthenaTestClient(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
