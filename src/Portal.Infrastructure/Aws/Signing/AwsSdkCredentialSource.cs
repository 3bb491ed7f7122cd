using Amazon.Runtime;

namespace Portal.Infrastructure.Aws.Signing;

/// <summary>Signs with the AWS SDK's credentials (the default chain: environment, profile, container or instance role),
/// which refresh themselves; each request asks for the current keys.</summary>
public sealed class AwsSdkCredentialSource(AWSCredentials credentials) : IAwsCredentialSource
{
    public async ValueTask<AwsSigningCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        var keys = await credentials.GetCredentialsAsync();
        return new AwsSigningCredentials(keys.AccessKey, keys.SecretKey, keys.UseToken ? keys.Token : null);
    }
}
