using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Tests.Sqs;

namespace Portal.Infrastructure.Tests.Aws;

/// <summary>The loopback SQS fake verifies SigV4 as SQS does: the SDK's request is refused for a wrong key, region or service.</summary>
public sealed class FakeSqsSignatureTests : IAsyncLifetime
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private FakeSqsServer _server = null!;
    private string _queueUrl = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeSqsServer.StartAsync(TimeProvider.System);
        _queueUrl = _server.CreateQueue("signed");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_request_signed_with_the_known_key_region_and_service_is_served()
    {
        using var client = Client(Secret, FakeSqsServer.DefaultRegion);

        await client.SendMessageAsync(_queueUrl, "hello");

        Assert.Equal("hello", Assert.Single(_server.Messages(_queueUrl)).Body);
    }

    [Fact]
    public async Task A_request_signed_with_the_wrong_secret_key_is_refused_with_403()
    {
        using var client = Client("not-the-secret", FakeSqsServer.DefaultRegion);

        var exception = await Assert.ThrowsAsync<AmazonSQSException>(() => client.SendMessageAsync(_queueUrl, "hello"));

        Assert.Equal(HttpStatusCode.Forbidden, exception.StatusCode);
        Assert.Equal("InvalidSignatureException", exception.ErrorCode);
        Assert.Contains("does not match", exception.Message, StringComparison.Ordinal);
        AssertNothingServed();
    }

    [Fact]
    public async Task A_request_signed_for_another_region_is_refused_with_403()
    {
        using var client = Client(Secret, "us-west-2");

        var exception = await Assert.ThrowsAsync<AmazonSQSException>(() => client.SendMessageAsync(_queueUrl, "hello"));

        Assert.Equal(HttpStatusCode.Forbidden, exception.StatusCode);
        Assert.Equal("InvalidSignatureException", exception.ErrorCode);
        Assert.Contains("'us-west-2'", exception.Message, StringComparison.Ordinal);
        AssertNothingServed();
    }

    [Fact]
    public async Task A_request_signed_for_another_service_is_refused_with_403()
    {
        using var client = Client(Secret, FakeSqsServer.DefaultRegion, service: "sns");

        var exception = await Assert.ThrowsAsync<AmazonSQSException>(() => client.SendMessageAsync(_queueUrl, "hello"));

        Assert.Equal(HttpStatusCode.Forbidden, exception.StatusCode);
        Assert.Equal("InvalidSignatureException", exception.ErrorCode);
        Assert.Contains("'sqs'", exception.Message, StringComparison.Ordinal);
        AssertNothingServed();
    }

    [Fact]
    public async Task An_authorization_header_without_a_signature_is_refused_with_400()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.ServiceUrl + "/") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKey}/20261128/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("com.amazonaws.sqs#IncompleteSignature", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNothingServed();
    }

    private void AssertNothingServed()
    {
        Assert.Empty(_server.Operations);
        Assert.Empty(_server.Messages(_queueUrl));
    }

    private AmazonSQSClient Client(string secret, string region, string? service = null)
    {
        var config = SqsServiceCollectionExtensions.CreateClientConfig(new SqsConsumerOptions { ServiceUrl = _server.ServiceUrl, Region = region });
        config.MaxErrorRetry = 0;
        if (service is not null)
        {
            config.AuthenticationServiceName = service;
        }

        return new AmazonSQSClient(new BasicAWSCredentials(AccessKey, secret), config);
    }
}
