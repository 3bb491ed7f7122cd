using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Tests.Aws;

public sealed class SigV4VerifierTests
{
    private static readonly AwsSigningCredentials Keys = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_correctly_signed_request_passes()
    {
        Assert.Null(Verifier().Verify(await SignedAsync(Keys, "eu-west-1", "athena", Now)));
    }

    [Fact]
    public async Task A_request_signed_with_another_secret_key_is_refused()
    {
        var failure = Verifier().Verify(await SignedAsync(Keys with { SecretAccessKey = "not-the-secret" }, "eu-west-1", "athena", Now));

        Assert.Equal(SigV4Failure.Invalid, failure?.Code);
        Assert.Equal(403, failure?.HttpStatus);
        Assert.Contains("does not match", failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_scoped_to_another_region_is_refused()
    {
        var failure = Verifier().Verify(await SignedAsync(Keys, "us-east-1", "athena", Now));

        Assert.Equal(SigV4Failure.Invalid, failure?.Code);
        Assert.Contains("'us-east-1'", failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_scoped_to_another_service_is_refused()
    {
        var failure = Verifier().Verify(await SignedAsync(Keys, "eu-west-1", "bedrock", Now));

        Assert.Equal(SigV4Failure.Invalid, failure?.Code);
        Assert.Contains("'athena'", failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task A_request_signed_more_than_five_minutes_away_from_the_server_clock_is_refused(int minutes)
    {
        var failure = Verifier().Verify(await SignedAsync(Keys, "eu-west-1", "athena", Now.AddMinutes(minutes)));

        Assert.Equal(SigV4Failure.Invalid, failure?.Code);
        Assert.StartsWith("Signature expired", failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_signed_four_minutes_ago_passes()
    {
        Assert.Null(Verifier().Verify(await SignedAsync(Keys, "eu-west-1", "athena", Now.AddMinutes(-4))));
    }

    [Fact]
    public async Task A_tampered_body_is_refused()
    {
        var request = await SignedAsync(Keys, "eu-west-1", "athena", Now);

        var failure = Verifier().Verify(request with { PayloadHash = SigV4Signer.HexSha256("{\"QueryString\":\"DROP TABLE\"}"u8) });

        Assert.Equal(SigV4Failure.Invalid, failure?.Code);
    }

    [Fact]
    public async Task Signed_headers_without_host_are_an_incomplete_signature()
    {
        var request = await SignedAsync(Keys, "eu-west-1", "athena", Now);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase)
        {
            ["authorization"] = request.Headers["authorization"].Replace("host;", "", StringComparison.Ordinal),
        };

        var failure = Verifier().Verify(request with { Headers = headers });

        Assert.Equal(SigV4Failure.Incomplete, failure?.Code);
        Assert.Equal(400, failure?.HttpStatus);
    }

    [Fact]
    public async Task An_authorization_header_without_a_signature_is_an_incomplete_signature()
    {
        var request = await SignedAsync(Keys, "eu-west-1", "athena", Now);
        var authorization = request.Headers["authorization"];
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase)
        {
            ["authorization"] = authorization[..authorization.IndexOf(", Signature=", StringComparison.Ordinal)],
        };

        Assert.Equal(SigV4Failure.Incomplete, Verifier().Verify(request with { Headers = headers })?.Code);
    }

    private static SigV4Verifier Verifier() => new(new FakeTimeProvider(Now), "eu-west-1", "athena", [Keys]);

    private static async Task<SigV4IncomingRequest> SignedAsync(AwsSigningCredentials keys, string region, string service, DateTimeOffset at)
    {
        var capture = new SigV4SignerTests.CapturingHandler();
        using var client = new HttpClient(new SigV4SigningHandler(new StaticAwsCredentialSource(keys), new SigV4Signer(new FakeTimeProvider(at)), region, service) { InnerHandler = capture });
        using var content = new StringContent("{\"QueryString\":\"SELECT 1\"}");
        using var response = await client.PostAsync("https://athena.eu-west-1.amazonaws.com/", content);
        return capture.Received!;
    }
}
