using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Aws.Signing;

/// <summary>Signs every outgoing request for one AWS service and region with keys from <see cref="IAwsCredentialSource"/>.</summary>
public sealed class SigV4SigningHandler(IAwsCredentialSource credentials, SigV4Signer signer, string region, string service) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var keys = await credentials.GetCredentialsAsync(cancellationToken);
        await signer.SignAsync(request, keys, region, service, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}

public static class SigV4HttpClientBuilderExtensions
{
    /// <summary>
    /// Signs every request of the client for <paramref name="service"/>, in <paramref name="region"/> or else the configured
    /// <c>Aws:Region</c>. Added after the resilience handler, so each attempt is signed afresh (a retry carries a new x-amz-date);
    /// a handler instance of the client's own, not a shared registration: other adapters sign for other services.
    /// </summary>
    public static IHttpClientBuilder AddSigV4Signing(this IHttpClientBuilder builder, string service, Func<IServiceProvider, string>? region = null) =>
        builder.AddHttpMessageHandler(sp => new SigV4SigningHandler(
            sp.GetRequiredService<IAwsCredentialSource>(),
            sp.GetRequiredService<SigV4Signer>(),
            region?.Invoke(sp) ?? sp.GetRequiredService<IOptions<AwsOptions>>().Value.Region,
            service));
}
