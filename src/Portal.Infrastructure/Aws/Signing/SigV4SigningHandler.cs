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
