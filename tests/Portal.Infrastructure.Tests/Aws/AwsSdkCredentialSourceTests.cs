using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Tests.Aws;

public sealed class AwsSdkCredentialSourceTests
{
    [Fact]
    public async Task Session_credentials_from_the_sdk_keep_their_token()
    {
        var source = new AwsSdkCredentialSource(new Amazon.Runtime.SessionAWSCredentials("ASIAEXAMPLE", "secret", "token"));

        Assert.Equal(new AwsSigningCredentials("ASIAEXAMPLE", "secret", "token"), await source.GetCredentialsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Long_term_credentials_from_the_sdk_have_no_token()
    {
        var source = new AwsSdkCredentialSource(new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"));

        Assert.Null((await source.GetCredentialsAsync(CancellationToken.None)).SessionToken);
    }
}
