using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Portal.Web.Security;

/// <summary>
/// Section <c>ForwardedHeaders</c>: the proxies (a TLS-terminating load balancer) whose <c>X-Forwarded-Proto</c> and
/// <c>X-Forwarded-For</c> the portal believes, so HSTS, Secure cookies and https redirect URIs apply behind them. Loopback is
/// always trusted (ASP.NET Core's default); headers from any other address are ignored. Every entry is checked at start.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of individual proxies (<c>10.0.0.5</c>, <c>fd00::5</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in CIDR notation (<c>10.0.0.0/16</c>), for load balancers whose address changes.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    internal IEnumerable<string> Problems()
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return $"{SectionName}:KnownProxies:{i} '{KnownProxies[i]}' is not an IP address.";
            }
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!KnownNetworks[i].Contains('/', StringComparison.Ordinal) || !System.Net.IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return $"{SectionName}:KnownNetworks:{i} '{KnownNetworks[i]}' is not a network in CIDR notation (such as 10.0.0.0/16).";
            }
        }
    }
}

public static class ForwardedHeadersServiceExtensions
{
    public static IServiceCollection AddPortalForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ForwardedHeadersSettings>()
            .Bind(configuration.GetSection(ForwardedHeadersSettings.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, Validator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) =>
        {
            // Scheme and client address only: the host name stays what the client asked for (AllowedHosts applies to it).
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in settings.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    private sealed class Validator : IValidateOptions<ForwardedHeadersSettings>
    {
        public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
