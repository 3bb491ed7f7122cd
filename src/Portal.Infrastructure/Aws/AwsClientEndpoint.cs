using Amazon;
using Amazon.Runtime;

namespace Portal.Infrastructure.Aws;

public static class AwsClientEndpoint
{
    /// <summary>
    /// Points an SDK client at <paramref name="serviceUrl"/> when one is set (a local stand-in such as dynalite, signing for
    /// <paramref name="region"/>), else at the region's own endpoint.
    /// </summary>
    public static TConfig WithEndpoint<TConfig>(this TConfig config, string? serviceUrl, string region)
        where TConfig : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!string.IsNullOrWhiteSpace(serviceUrl))
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }
}
