using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.S3;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.S3;

/// <summary>One s3rver per test class; each test makes its own bucket, so listings see only what that test wrote.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private NodeTestServer _server = null!;

    public string ServiceUrl => _server.ServiceUrl;

    public IAmazonS3 Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await NodeTestServer.StartS3rverAsync();
        Client = CreateClient(Options("unused"));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
    }

    public S3Options Options(string bucket, string? kmsKeyId = null) => new()
    {
        ImagesBucket = bucket,
        LakeBucket = bucket,
        ServiceUrl = ServiceUrl,
        ForcePathStyle = true,
        KmsKeyId = kmsKeyId,
    };

    public static AwsOptions Aws { get; } = new() { Region = TestAwsKeys.Region, Stage = "test" };

    /// <summary>A client as the adapters get it (same config factory), optionally recording every request it sends.</summary>
    public static IAmazonS3 CreateClient(S3Options options, RecordingHttpClientFactory? recorder = null)
    {
        var config = S3ServiceCollectionExtensions.CreateClientConfig(options, Aws);
        if (recorder is not null)
        {
            config.HttpClientFactory = recorder;
        }

        return new AmazonS3Client(TestAwsKeys.SdkCredentials(), config);
    }

    public async Task<string> CreateBucketAsync()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..16];
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string bucket)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response response;
        do
        {
            response = await Client.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return [.. keys.Order(StringComparer.Ordinal)];
    }
}

/// <summary>An SDK HTTP client factory that keeps the method, path and headers of every request; <paramref name="inject"/> may
/// answer a request itself (a fault) instead of the server.</summary>
public sealed class RecordingHttpClientFactory(Func<HttpRequestMessage, HttpResponseMessage?>? inject = null) : HttpClientFactory
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new RecordingHandler(_requests, inject));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private sealed class RecordingHandler(ConcurrentQueue<RecordedRequest> requests, Func<HttpRequestMessage, HttpResponseMessage?>? inject) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
            requests.Enqueue(new RecordedRequest(request.Method.Method, request.RequestUri!.AbsolutePath, headers));
            return inject?.Invoke(request) is { } fault ? Task.FromResult(fault) : base.SendAsync(request, cancellationToken);
        }
    }
}

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);
