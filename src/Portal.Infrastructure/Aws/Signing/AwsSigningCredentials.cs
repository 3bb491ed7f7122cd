namespace Portal.Infrastructure.Aws.Signing;

/// <summary>One set of AWS keys as used for a single signature; <see cref="SessionToken"/> is present for temporary credentials.</summary>
public sealed record AwsSigningCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>Keeps the secret out of logs and exception messages.</summary>
    public override string ToString() => $"AwsSigningCredentials {{ AccessKeyId = {AccessKeyId}, SessionToken = {(SessionToken is null ? "none" : "present")} }}";
}

/// <summary>Where the signing handler gets its keys; the AWS SDK's credential chain can be wrapped behind it.</summary>
public interface IAwsCredentialSource
{
    ValueTask<AwsSigningCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}

/// <summary>Fixed keys (tests, and callers that already resolved their credentials).</summary>
public sealed class StaticAwsCredentialSource(AwsSigningCredentials credentials) : IAwsCredentialSource
{
    public ValueTask<AwsSigningCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
}
