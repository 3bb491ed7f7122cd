using Amazon.SimpleSystemsManagement;

namespace Portal.Infrastructure.Aws.ParameterStore;

/// <summary>AWS Systems Manager Parameter Store as a configuration source (see <see cref="ParameterStoreConfigurationProvider"/>).</summary>
public sealed class ParameterStoreConfigurationSource(ParameterStoreOptions options, Func<IAmazonSimpleSystemsManagement> clientFactory, TimeProvider time) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new ParameterStoreConfigurationProvider(options, clientFactory(), time);
}
