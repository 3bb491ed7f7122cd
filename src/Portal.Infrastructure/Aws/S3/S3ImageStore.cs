using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Images;
using Portal.Infrastructure.Formats.Imaging;

namespace Portal.Infrastructure.Aws.S3;

/// <summary>
/// Product photos in <c>Aws:S3:ImagesBucket</c> under the same generated keys as the embedded <c>FileImageStore</c> (<see cref="ImageKeys"/>)
/// (<c>{tenant}/{sha256[0..2]}/{sha256}.{ext}</c>), so a sale carries the same image key on both providers. Objects are
/// written with their content type and server-side encryption; the browser gets short-lived presigned GET URLs. Keys are
/// never taken from input: <see cref="OpenAsync"/> and <see cref="GetUrl"/> refuse anything this store could not have made.
/// </summary>
public sealed class S3ImageStore(IAmazonS3 s3, S3Options options, S3UrlPresigner presigner) : IImageStore
{
    public async Task<string> SaveAsync(string tenant, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var generated = ImageKeys.Generate(tenant, content, contentType);
        var key = generated.Key;

        // Content-addressed: a second save of the same bytes writes an identical object, so no existence check is needed.
        using var body = new MemoryStream(content.ToArray(), writable: false);
        var request = new PutObjectRequest
        {
            BucketName = options.ImagesBucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = generated.ContentType,
            // A seekable body sent as is: S3-compatible servers store the aws-chunked framing otherwise.
            UseChunkEncoding = false,
        };
        S3ObjectEncryption.Apply(request, options);
        await s3.PutObjectAsync(request, cancellationToken);
        return key;
    }

    public async Task<StoredImage?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        if (!ImageKeys.IsWellFormed(key))
        {
            return null;
        }

        GetObjectResponse response;
        try
        {
            response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = options.ImagesBucket, Key = key }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        // The content type follows from the key (which we generated), not from whatever the object says about itself.
        var contentType = ImageKeys.ContentTypeOf(key);
        return new StoredImage(new OwningStream(response), contentType, response.ContentLength);
    }

    /// <summary>A presigned GET URL valid for <c>Aws:S3:PresignedUrlExpiry</c>. The caller decides who may see it: the portal
    /// only asks for keys of the signed-in tenant's own sales and decisions.</summary>
    public string GetUrl(string key)
    {
        if (!ImageKeys.IsWellFormed(key))
        {
            throw new ArgumentException("Not an image key this store makes.", nameof(key));
        }

        return presigner.PresignGet(options.ImagesBucket, key).AbsoluteUri;
    }

    /// <summary>The response body that also disposes the response (and its connection) when the caller disposes it.</summary>
    private sealed class OwningStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
