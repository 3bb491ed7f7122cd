using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SimpleSystemsManagement;

namespace Portal.Infrastructure.Aws.ParameterStore;

public static partial class ParameterStoreConfigurationExtensions
{
    /// <summary>Adds AWS Systems Manager Parameter Store as a configuration source when <c>Aws:ParameterStore:Path</c> is set.</summary>
    /// <remarks>Configuration is built before the service provider, so the credentials are the <see cref="AWSCredentials"/>
    /// instance already registered in the services (tests register fixed keys) or else the default AWS chain.</remarks>
    public static IHostApplicationBuilder AddParameterStoreConfiguration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registered = builder.Services.LastOrDefault(d => d.ServiceType == typeof(AWSCredentials) && d.ImplementationInstance is not null)?.ImplementationInstance as AWSCredentials;
        return builder.AddParameterStoreConfiguration(registered, TimeProvider.System);
    }

    public static IHostApplicationBuilder AddParameterStoreConfiguration(this IHostApplicationBuilder builder, AWSCredentials? credentials, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(time);
        if (ReadOptions(builder.Configuration) is not { } options)
        {
            return builder;
        }

        builder.Configuration.Add(new ParameterStoreConfigurationSource(options, () => new AmazonSimpleSystemsManagementClient(
            credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(), CreateClientConfig(options)), time));
        return builder;
    }

    /// <summary>The section as configured so far, or null when no path is set. Throws naming the key that is wrong.</summary>
    public static ParameterStoreOptions? ReadOptions(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration[ParameterStoreOptions.PathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (!PathPattern().IsMatch(path))
        {
            throw new InvalidOperationException($"{ParameterStoreOptions.PathKey} must be a parameter hierarchy such as /pricing-portal/prod/ (starting with '/', letters, digits, '.', '-', '_').");
        }

        var region = configuration[$"{AwsOptions.SectionName}:{nameof(AwsOptions.Region)}"];
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new InvalidOperationException($"Aws:Region is required when {ParameterStoreOptions.PathKey} is set.");
        }

        TimeSpan? reload = null;
        if (configuration[ParameterStoreOptions.ReloadIntervalKey] is { Length: > 0 } text)
        {
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval) || interval < TimeSpan.FromSeconds(1))
            {
                throw new InvalidOperationException($"{ParameterStoreOptions.ReloadIntervalKey} must be a duration of at least 00:00:01 (or unset to load once).");
            }

            reload = interval;
        }

        var serviceUrl = configuration[ParameterStoreOptions.ServiceUrlKey];
        if (!string.IsNullOrWhiteSpace(serviceUrl) && !Uri.TryCreate(serviceUrl, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{ParameterStoreOptions.ServiceUrlKey} must be an absolute URL.");
        }

        return new ParameterStoreOptions { Path = path.EndsWith('/') ? path : path + "/", Region = region, ReloadInterval = reload, ServiceUrl = serviceUrl };
    }

    public static AmazonSimpleSystemsManagementConfig CreateClientConfig(ParameterStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonSimpleSystemsManagementConfig { RetryMode = RequestRetryMode.Standard, MaxErrorRetry = 3, Timeout = TimeSpan.FromSeconds(10) };
        return config.WithEndpoint(options.ServiceUrl, options.Region);
    }

    [GeneratedRegex(@"\A/([A-Za-z0-9_.\-]+/)*[A-Za-z0-9_.\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}
