using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Aws.Signing;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Bedrock;
using SkiaSharp;

namespace Portal.Infrastructure.Tests.Aws.Bedrock;

public sealed class TitanImageEmbeddingGeneratorTests(FakeBedrockFixture fixture) : IClassFixture<FakeBedrockFixture>
{
    private readonly FakeBedrockServer _bedrock = fixture.Reset();

    [Theory]
    [InlineData(256)]
    [InlineData(384)]
    [InlineData(1024)]
    public async Task ReturnsTitansUnitVectorOfTheConfiguredLengthRecordedWithModelAndLength(int dimension)
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:EmbeddingDimension"] = $"{dimension}" });
        var generator = services.Get<IEmbeddingGenerator<DataContent, Embedding<float>>>();
        var photo = Jpeg(640, 480, seed: dimension);

        var embedding = await generator.GenerateAsync(new DataContent(photo, "image/jpeg"));

        Assert.IsType<TitanImageEmbeddingGenerator>(generator);
        Assert.Equal($"amazon.titan-embed-image-v1:{dimension}", embedding.ModelId);
        Assert.Equal($"amazon.titan-embed-image-v1:{dimension}", generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        Assert.Equal(dimension, embedding.Vector.Length);
        AssertClose(FakeBedrockServer.VectorFor(photo, dimension), embedding.Vector.ToArray());

        Assert.Equal(1.0, Math.Sqrt(embedding.Vector.ToArray().Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public async Task SecondEmbeddingOfTheSamePhotoComesFromTheCacheWithoutCallingBedrock()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        var generator = services.Get<TitanImageEmbeddingGenerator>();
        var photo = Jpeg(500, 500, seed: 77);
        var before = _bedrock.CallCount(FakeBedrockServer.TitanModelId);

        var first = await generator.EmbedAsync(photo, CancellationToken.None);
        var second = await generator.EmbedAsync(photo, CancellationToken.None);

        Assert.Equal(before + 1, _bedrock.CallCount(FakeBedrockServer.TitanModelId));
        Assert.Equal(first, second);
        Assert.Equal(first, await services.EmbeddingStore.TryGetAsync("amazon.titan-embed-image-v1:1024", Sha256(photo), CancellationToken.None));
    }

    [Fact]
    public async Task CachedVectorOfAnotherLengthIsNotReused()
    {
        var photo = Jpeg(400, 300, seed: 78);
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        await services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(photo, CancellationToken.None);
        var before = _bedrock.CallCount(FakeBedrockServer.TitanModelId);

        using var shorter = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:EmbeddingDimension"] = "256" });
        await shorter.EmbeddingStore.PutAsync("amazon.titan-embed-image-v1:1024", Sha256(photo), new float[1024], CancellationToken.None);
        var vector = await shorter.Get<TitanImageEmbeddingGenerator>().EmbedAsync(photo, CancellationToken.None);

        Assert.Equal(256, vector.Length);
        Assert.Equal(before + 1, _bedrock.CallCount(FakeBedrockServer.TitanModelId));
    }

    [Fact]
    public async Task PhotoLargerThan2048PixelsIsResizedBeforeSending()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        var photo = Png(3000, 1200, seed: 5);

        var vector = await services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(photo, CancellationToken.None);

        var sent = Assert.Single(_bedrock.ServedTitanCalls[^1].Images);
        Assert.Equal(2048, sent.Width);
        Assert.InRange(sent.Height, 818, 820);
        AssertClose(FakeBedrockServer.VectorFor(sent.Bytes, 1024), vector);
    }

    [Fact]
    public async Task PhotoOverTheByteLimitIsReencodedAsJpegUnderIt()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:MaxImageBytes"] = "150000" });
        var photo = Png(1400, 1000, seed: 6);
        Assert.True(photo.Length > 150_000, $"the test photo should be over the limit, is {photo.Length} bytes");

        await services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(photo, CancellationToken.None);

        var sent = Assert.Single(_bedrock.ServedTitanCalls[^1].Images);
        Assert.True(sent.Bytes.Length <= 150_000, $"sent {sent.Bytes.Length} bytes");
        Assert.Equal([0xFF, 0xD8], sent.Bytes[..2]);
    }

    [Fact]
    public async Task UnreadablePhotoIsRefusedWithoutCallingBedrock()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        var before = _bedrock.Calls.Count;

        await Assert.ThrowsAsync<InvalidDataException>(() => services.Get<TitanImageEmbeddingGenerator>().EmbedAsync("not an image"u8.ToArray(), CancellationToken.None));

        Assert.Equal(before, _bedrock.Calls.Count);
    }

    [Fact]
    public async Task ThrottledCallsAreRetriedUntilServed()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        var before = _bedrock.Calls.Count;
        _bedrock.ThrottleNext(2);

        var vector = await services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(Jpeg(300, 300, seed: 9), CancellationToken.None);

        Assert.Equal(1024, vector.Length);
        Assert.Equal([429, 429, 200], _bedrock.Calls.Skip(before).Select(c => c.Status));
    }

    [Fact]
    public async Task ThrottlingBeyondTheRetriesSurfacesAsThrottlingException()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:MaxRetries"] = "1" });
        var before = _bedrock.Calls.Count;
        _bedrock.ThrottleNext(5);

        var error = await Assert.ThrowsAsync<BedrockRuntimeException>(() => services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(Jpeg(300, 300, seed: 10), CancellationToken.None));

        _bedrock.ThrottleNext(0);
        Assert.Equal("ThrottlingException", error.ErrorType);
        Assert.Equal(429, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal(2, _bedrock.Calls.Count - before);
    }

    [Fact]
    public async Task BodyBedrockRefusesIsAValidationExceptionAndNotRetried()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        var before = _bedrock.Calls.Count;
        var body = new JsonObject
        {
            ["inputImage"] = Convert.ToBase64String(Jpeg(100, 100, seed: 11)),
            ["embeddingConfig"] = new JsonObject { ["outputEmbeddingLength"] = 512 },
        };

        var error = await Assert.ThrowsAsync<BedrockRuntimeException>(() => services.Get<BedrockRuntimeClient>().InvokeModelAsync(FakeBedrockServer.TitanModelId, body, CancellationToken.None));

        Assert.Equal("ValidationException", error.ErrorType);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("outputEmbeddingLength", error.ServiceMessage, StringComparison.Ordinal);
        Assert.Equal(1, _bedrock.Calls.Count - before);
    }

    [Fact]
    public async Task RequestSignedWithAWrongSecretIsRefused()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, credentials: new AwsSigningCredentials(TestAwsKeys.AccessKeyId, "not-the-secret"));

        var error = await Assert.ThrowsAsync<BedrockRuntimeException>(() => services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(Jpeg(200, 200, seed: 12), CancellationToken.None));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("InvalidSignatureException", error.ErrorType);
        Assert.Contains("signature we calculated does not match", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestFromAnUnknownAccessKeyIsRefused()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, credentials: new AwsSigningCredentials("AKIDUNKNOWN", TestAwsKeys.SecretAccessKey));

        var error = await Assert.ThrowsAsync<BedrockRuntimeException>(() => services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(Jpeg(200, 200, seed: 13), CancellationToken.None));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("UnrecognizedClientException", error.ErrorType);
    }

    [Fact]
    public async Task RequestScopedToAnotherRegionIsRefused()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, region: "us-east-1");

        var error = await Assert.ThrowsAsync<BedrockRuntimeException>(() => services.Get<TitanImageEmbeddingGenerator>().EmbedAsync(Jpeg(200, 200, seed: 14), CancellationToken.None));

        Assert.Equal("InvalidSignatureException", error.ErrorType);
        Assert.Contains("region", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestSignedForAnotherServiceIsRefused()
    {
        var handler = new SigV4SigningHandler(new StaticAwsCredentialSource(TestAwsKeys.Credentials), new SigV4Signer(TimeProvider.System), TestAwsKeys.Region, "sagemaker")
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(_bedrock.ServiceUrl + "/") };
        var body = new JsonObject { ["inputImage"] = Convert.ToBase64String(Jpeg(100, 100, seed: 15)) };

        using var response = await client.PostAsync(BedrockRuntimeClient.InvokePath(FakeBedrockServer.TitanModelId), new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("InvalidSignatureException:", response.Headers.GetValues("x-amzn-ErrorType").Single(), StringComparison.Ordinal);
        Assert.Contains("service", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelIdColonIsEscapedInThePathAndSignedDoubleEncoded()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        var body = NovaLiteQualityAssessor.RequestBody([Upload(Jpeg(300, 200, seed: 16), 300, 200)], new BedrockOptions());

        using var answer = await services.Get<BedrockRuntimeClient>().InvokeModelAsync(FakeBedrockServer.NovaModelId, body, CancellationToken.None);

        Assert.Equal("/model/amazon.nova-lite-v1%3A0/invoke", _bedrock.Calls[^1].RawPath);
        Assert.Equal(200, _bedrock.Calls[^1].Status);
        var canonical = SigV4Signer.Sign(
            new SigV4Request("POST", "/model/amazon.nova-lite-v1%3A0/invoke", "", [KeyValuePair.Create("host", "bedrock-runtime.eu-west-1.amazonaws.com")], SigV4Signer.EmptyPayloadHash),
            TestAwsKeys.Credentials, TestAwsKeys.Region, "bedrock", DateTimeOffset.UnixEpoch).CanonicalRequest;
        Assert.Contains("/model/amazon.nova-lite-v1%253A0/invoke", canonical, StringComparison.Ordinal);
    }

    /// <summary>The vector crosses JSON as decimal text, so the last bit of a float may differ.</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    internal static byte[] Jpeg(int width, int height, int seed)
    {
        using var bitmap = ImagingTestData.Scene(width, height, seed);
        return ImagingTestData.Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    internal static byte[] Png(int width, int height, int seed)
    {
        using var bitmap = ImagingTestData.Scene(width, height, seed);
        return ImagingTestData.Encode(bitmap, SKEncodedImageFormat.Png);
    }

    internal static Portal.Core.Images.ImageUpload Upload(byte[] jpeg, int width, int height) =>
        new(jpeg, "image/jpeg", width, height, Sha256(jpeg));

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
