using System.Net;
using System.Text;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.S3;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Testing.Aws;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.S3;

/// <summary>Throttling and 5xx from S3 (injected in front of s3rver) are retried by the client; nothing is lost or doubled.</summary>
public sealed class S3FaultTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task AThrottledImageUploadIsRetriedAndStoredOnce()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var options = s3rver.Options(bucket);
        var faults = new FaultsOnFirstPuts(2, HttpStatusCode.ServiceUnavailable, "SlowDown", "Please reduce your request rate.");
        var recorder = new RecordingHttpClientFactory(faults.Answer);
        using var client = S3rverFixture.CreateClient(options, recorder);
        var store = new S3ImageStore(client, options, new S3UrlPresigner(options, TestAwsKeys.Region, TestAwsKeys.SdkCredentials(), TimeProvider.System));
        var bytes = ImagingTestData.Jpeg(seed: 21);

        var key = await store.SaveAsync("acme", bytes, "image/jpeg", CancellationToken.None);

        Assert.Equal(3, recorder.Requests.Count(r => r.Method == "PUT"));
        Assert.Equal([key], await s3rver.ListKeysAsync(bucket));
        var stored = await store.OpenAsync(key, CancellationToken.None);
        await using (stored!.Content)
        {
            using var copy = new MemoryStream();
            await stored.Content.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
    }

    [Fact]
    public async Task AServerErrorOnALakeWriteIsRetriedAndTheBatchLandsWhole()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var options = s3rver.Options(bucket);
        var faults = new FaultsOnFirstPuts(1, HttpStatusCode.InternalServerError, "InternalError", "We encountered an internal error. Please try again.");
        var recorder = new RecordingHttpClientFactory(faults.Answer);
        using var client = S3rverFixture.CreateClient(options, recorder);
        var lake = new S3SalesLake(client, options, TimeProvider.System);
        var rows = Enumerable.Range(0, 40).Select(i => new LakeRow(Sale("acme", $"s{i}", 10m + i, Utc(2025, 3 + (i % 2), 1 + (i % 27))), null)).ToList();

        var written = await lake.WriteBatchAsync("retried", rows, CancellationToken.None);

        Assert.Equal(2, written.Count);
        Assert.Equal(3, recorder.Requests.Count(r => r.Method == "PUT"));
        Assert.Equal(
            ["sales_history/tenant_id=acme/year=2025/month=03/part-retried.parquet", "sales_history/tenant_id=acme/year=2025/month=04/part-retried.parquet"],
            await s3rver.ListKeysAsync(bucket));
    }

    [Fact]
    public async Task AnUploadThatKeepsFailingSurfacesTheErrorAndStoresNothing()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var options = s3rver.Options(bucket);
        var faults = new FaultsOnFirstPuts(int.MaxValue, HttpStatusCode.ServiceUnavailable, "SlowDown", "Please reduce your request rate.");
        using var client = S3rverFixture.CreateClient(options, new RecordingHttpClientFactory(faults.Answer));
        var store = new S3ImageStore(client, options, new S3UrlPresigner(options, TestAwsKeys.Region, TestAwsKeys.SdkCredentials(), TimeProvider.System));

        var error = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => store.SaveAsync("acme", ImagingTestData.Jpeg(seed: 22), "image/jpeg", CancellationToken.None));

        Assert.Equal("SlowDown", error.ErrorCode);
        Assert.Equal(options.MaxAttempts, faults.Injected);
        Assert.Empty(await s3rver.ListKeysAsync(bucket));
    }

    /// <summary>Answers the first <paramref name="count"/> PUTs with S3's XML error; later ones reach the server.</summary>
    private sealed class FaultsOnFirstPuts(int count, HttpStatusCode status, string code, string message)
    {
        private int _puts;

        /// <summary>How many PUTs were answered with the fault.</summary>
        public int Injected => Math.Min(Volatile.Read(ref _puts), count);

        public HttpResponseMessage? Answer(HttpRequestMessage request)
        {
            if (request.Method != HttpMethod.Put || Interlocked.Increment(ref _puts) > count)
            {
                return null;
            }

            return new HttpResponseMessage(status)
            {
                Content = new StringContent($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault</RequestId></Error>", Encoding.UTF8, "application/xml"),
            };
        }
    }
}
