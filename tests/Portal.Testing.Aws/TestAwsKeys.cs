using Portal.Infrastructure.Aws.Signing;

namespace Portal.Testing.Aws;

/// <summary>The dummy keys and region every loopback AWS stand-in accepts; tests sign with them through the real clients.</summary>
public static class TestAwsKeys
{
    public const string Region = "eu-west-1";
    public const string AccessKeyId = "AKIDEXAMPLE";
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static AwsSigningCredentials Credentials { get; } = new(AccessKeyId, SecretAccessKey);

    /// <summary>s3rver 3.7 accepts only its own key pair; a portal signing every service with one pair uses this one.</summary>
    public static AwsSigningCredentials S3rverCredentials { get; } = new("S3RVER", "S3RVER");

    /// <summary>What a fake's verifier accepts (a request signed with any other secret is refused).</summary>
    public static IReadOnlyList<AwsSigningCredentials> Known { get; } = [Credentials, S3rverCredentials];

    public static Amazon.Runtime.BasicAWSCredentials SdkCredentials() => new(AccessKeyId, SecretAccessKey);
}
