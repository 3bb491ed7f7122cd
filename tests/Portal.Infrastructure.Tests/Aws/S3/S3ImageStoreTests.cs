using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Images;
using Portal.Infrastructure.Aws.S3;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.S3;

/// <summary>The image store contract on S3 (s3rver), plus presigned URLs, encryption and the content type of the objects.</summary>
public sealed class S3ImageStoreTests(S3rverFixture s3rver) : ImageStoreContract, IClassFixture<S3rverFixture>, IAsyncLifetime
{
    private static readonly HttpClient Browser = new();
    private string _bucket = null!;
    private S3Options _options = null!;
    private S3ImageStore _store = null!;
    private S3UrlPresigner _presigner = null!;

    protected override IImageStore Store => _store;

    public async Task InitializeAsync()
    {
        _bucket = await s3rver.CreateBucketAsync();
        _options = s3rver.Options(_bucket);
        _presigner = new S3UrlPresigner(_options, TestAwsKeys.Region, TestAwsKeys.SdkCredentials(), TimeProvider.System);
        _store = new S3ImageStore(s3rver.Client, _options, _presigner);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected override async Task AssertUrlServesAsync(string key, byte[] bytes)
    {
        var url = new Uri(_store.GetUrl(key));
        Assert.Equal(new Uri(s3rver.ServiceUrl).Authority, url.Authority);
        Assert.Equal($"/{_bucket}/{key}", url.AbsolutePath);
        using var response = await Browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
    }

    protected override async Task AssertStoredOnceAsync(string key) => Assert.Equal([key], await s3rver.ListKeysAsync(_bucket));

    protected override Task PlantForeignObjectAsync(string name, byte[] content) =>
        s3rver.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = name, InputStream = new MemoryStream(content), UseChunkEncoding = false });

    protected override Task<IReadOnlyList<string>> StoredNamesAsync() => s3rver.ListKeysAsync(_bucket);

    [Fact]
    public async Task PresignedUrlIsShortLivedAndSignedForS3InTheConfiguredRegion()
    {
        var key = await _store.SaveAsync("acme", ImagingTestData.Jpeg(seed: 7), "image/jpeg", CancellationToken.None);

        var query = QueryHelpers.ParseQuery(new Uri(_store.GetUrl(key)).Query);

        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal("300", query["X-Amz-Expires"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Matches($"^{TestAwsKeys.AccessKeyId}/\\d{{8}}/{TestAwsKeys.Region}/s3/aws4_request$", query["X-Amz-Credential"].ToString());
        Assert.Matches("^[0-9a-f]{64}$", query["X-Amz-Signature"].ToString());
    }

    [Fact]
    public async Task ExpiredPresignedUrlIsRefused()
    {
        var key = await _store.SaveAsync("acme", ImagingTestData.Jpeg(seed: 8), "image/jpeg", CancellationToken.None);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10));
        var stale = new S3ImageStore(s3rver.Client, _options, new S3UrlPresigner(_options, TestAwsKeys.Region, TestAwsKeys.SdkCredentials(), clock));

        using var response = await Browser.GetAsync(stale.GetUrl(key));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body, StringComparison.Ordinal);
        Assert.Contains("Request has expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PresignedUrlEqualsTheSdkPresignerForTheSameInstant()
    {
        var key = await _store.SaveAsync("acme", ImagingTestData.Jpeg(seed: 9), "image/jpeg", CancellationToken.None);
        var sdkUrl = new Uri(await s3rver.Client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        }));
        var sdk = QueryHelpers.ParseQuery(sdkUrl.Query);
        var signedAt = DateTimeOffset.ParseExact(sdk["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

        var ours = _presigner.PresignGet(_bucket, key, signedAt, TimeSpan.FromSeconds(int.Parse(sdk["X-Amz-Expires"].ToString(), System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(sdkUrl.AbsolutePath, ours.AbsolutePath);
        Assert.Equal(sdk["X-Amz-Signature"].ToString(), QueryHelpers.ParseQuery(ours.Query)["X-Amz-Signature"].ToString());
    }

    [Fact]
    public async Task UploadsAreEncryptedWithS3ManagedKeysAndCarryTheirContentType()
    {
        var recorder = new RecordingHttpClientFactory();
        using var client = S3rverFixture.CreateClient(_options, recorder);
        var store = new S3ImageStore(client, _options, _presigner);

        var key = await store.SaveAsync("acme", TestPng(), "image/png", CancellationToken.None);

        var put = Assert.Single(recorder.Requests, r => r.Method == "PUT");
        Assert.Equal("AES256", put.Headers["x-amz-server-side-encryption"]);
        Assert.False(put.Headers.ContainsKey("x-amz-server-side-encryption-aws-kms-key-id"));
        Assert.Equal("image/png", put.Headers["content-type"]);
        Assert.DoesNotContain("aws-chunked", put.Headers.GetValueOrDefault("content-encoding") ?? "", StringComparison.Ordinal);
        Assert.EndsWith(".png", key, StringComparison.Ordinal);
        var metadata = await s3rver.Client.GetObjectMetadataAsync(_bucket, key);
        Assert.Equal("image/png", metadata.Headers.ContentType);
        Assert.Equal(TestPng().Length, metadata.ContentLength);
    }

    [Fact]
    public async Task UploadsUseTheKmsKeyWhenOneIsConfigured()
    {
        var recorder = new RecordingHttpClientFactory();
        var options = s3rver.Options(_bucket, kmsKeyId: "arn:aws:kms:eu-west-1:000000000000:key/portal-test");
        using var client = S3rverFixture.CreateClient(options, recorder);
        var store = new S3ImageStore(client, options, _presigner);

        await store.SaveAsync("acme", ImagingTestData.Jpeg(seed: 10), "image/jpeg", CancellationToken.None);

        var put = Assert.Single(recorder.Requests, r => r.Method == "PUT");
        Assert.Equal("aws:kms", put.Headers["x-amz-server-side-encryption"]);
        Assert.Equal("arn:aws:kms:eu-west-1:000000000000:key/portal-test", put.Headers["x-amz-server-side-encryption-aws-kms-key-id"]);
    }

    [Fact]
    public async Task ImagesStoredOnS3KeepTheFileStoresKeys()
    {
        var bytes = ImagingTestData.Jpeg(seed: 11);
        var folder = Directory.CreateTempSubdirectory("portal-images-").FullName;
        try
        {
            var fileKey = await new Portal.Infrastructure.Embedded.Imaging.FileImageStore(new() { RootDirectory = folder }).SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);

            Assert.Equal(fileKey, await _store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] TestPng()
    {
        using var bitmap = new SkiaSharp.SKBitmap(4, 4);
        bitmap.Erase(SkiaSharp.SKColors.OrangeRed);
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        return image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
    }
}
