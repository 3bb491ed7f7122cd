using Amazon.S3;
using Amazon.S3.Model;

namespace Portal.Infrastructure.Aws.S3;

/// <summary>Every object we write is encrypted at rest: SSE-KMS with <c>Aws:S3:KmsKeyId</c> when set, else SSE-S3 (AES256).</summary>
internal static class S3ObjectEncryption
{
    public static void Apply(PutObjectRequest request, S3Options options)
    {
        if (string.IsNullOrWhiteSpace(options.KmsKeyId))
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
        }
        else
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
            request.ServerSideEncryptionKeyManagementServiceKeyId = options.KmsKeyId;
        }
    }
}
