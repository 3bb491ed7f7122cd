using Amazon.S3;
using Amazon.S3.Model;

namespace Portal.Testing.Aws.Athena;

/// <summary>
/// Copies the lake's <c>sales_history/**</c> objects from S3 (s3rver in tests) into a local folder, so the Athena fake can
/// answer from the same files the S3 adapter wrote. Each call replaces the folder's <c>sales_history</c> with the bucket's.
/// </summary>
public static class S3LakeMirror
{
    public const string Prefix = "sales_history/";

    /// <summary>s3rver 3.7 knows one account only, whatever the other fakes accept.</summary>
    public const string S3rverKey = "S3RVER";

    /// <summary>An S3 client for s3rver: path-style addressing and s3rver's own key pair.</summary>
    public static AmazonS3Client CreateClient(string serviceUrl) =>
        new(new Amazon.Runtime.BasicAWSCredentials(S3rverKey, S3rverKey), new AmazonS3Config { ServiceURL = serviceUrl, ForcePathStyle = true, AuthenticationRegion = TestAwsKeys.Region });

    /// <summary>Downloads every object under <see cref="Prefix"/> to <paramref name="destination"/>/key; returns <paramref name="destination"/>.</summary>
    public static async Task<string> MirrorAsync(IAmazonS3 s3, string bucket, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var root = Path.GetFullPath(destination);
        var table = Path.Combine(root, "sales_history");
        if (Directory.Exists(table))
        {
            Directory.Delete(table, recursive: true);
        }

        Directory.CreateDirectory(table);
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = Prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                var target = Path.GetFullPath(Path.Combine(root, item.Key.Replace('/', Path.DirectorySeparatorChar)));
                // A key is a path only inside the mirror: '..' segments cannot climb out of it.
                if (!target.StartsWith(table + Path.DirectorySeparatorChar, StringComparison.Ordinal) || item.Key.EndsWith('/'))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var response = await s3.GetObjectAsync(bucket, item.Key, cancellationToken);
                await using var file = File.Create(target);
                await response.ResponseStream.CopyToAsync(file, cancellationToken);
            }

            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        return root;
    }
}
