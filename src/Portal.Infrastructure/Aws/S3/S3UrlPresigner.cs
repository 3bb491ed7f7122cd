using System.Globalization;
using Amazon.Runtime;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Aws.S3;

/// <summary>
/// Presigned GET URLs (SigV4 query-string authentication) through the shared <see cref="SigV4Signer"/>: the canonical request
/// is the object's path, the <c>X-Amz-*</c> query parameters, the signed <c>host</c> header and <c>UNSIGNED-PAYLOAD</c>.
/// The signing time comes from the injected <see cref="TimeProvider"/>, which the SDK's presigner does not allow, so the
/// expiry is testable without waiting.
/// </summary>
public sealed class S3UrlPresigner(S3Options options, string region, AWSCredentials credentials, TimeProvider time)
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(7);

    /// <summary>A URL that GETs the object for <c>Aws:S3:PresignedUrlExpiry</c> from now.</summary>
    public Uri PresignGet(string bucket, string key) => PresignGet(bucket, key, time.GetUtcNow(), options.PresignedUrlExpiry);

    public Uri PresignGet(string bucket, string key, DateTimeOffset signedAt, TimeSpan expiry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (expiry < TimeSpan.FromSeconds(1) || expiry > MaxExpiry)
        {
            throw new ArgumentOutOfRangeException(nameof(expiry), expiry, "A presigned URL lives between 1 second and 7 days.");
        }

        var (origin, path) = ObjectLocation(bucket, key);
        var keys = credentials.GetCredentials();
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/{region}/s3/aws4_request";
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("X-Amz-Algorithm", SigV4Signer.Algorithm),
            new("X-Amz-Credential", $"{keys.AccessKey}/{scope}"),
            new("X-Amz-Date", amzDate),
            new("X-Amz-Expires", ((long)expiry.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
        };
        if (keys.UseToken)
        {
            parameters.Add(new("X-Amz-Security-Token", keys.Token));
        }

        parameters.Add(new("X-Amz-SignedHeaders", "host"));
        var query = string.Join('&', parameters.Select(p => $"{SigV4Signer.UriEncode(p.Key)}={SigV4Signer.UriEncode(p.Value)}"));
        var host = origin.IsDefaultPort ? origin.Host : origin.Authority;
        var signature = SigV4Signer.Sign(
            new SigV4Request("GET", path, query, [new("host", host)], UnsignedPayload),
            new AwsSigningCredentials(keys.AccessKey, keys.SecretKey, keys.UseToken ? keys.Token : null),
            region, "s3", signedAt);
        var encodedPath = string.Join('/', path.Split('/').Select(SigV4Signer.UriEncode));
        return new Uri($"{origin.Scheme}://{origin.Authority}{encodedPath}?{query}&X-Amz-Signature={signature.Signature}");
    }

    /// <summary>The origin and the unencoded path of an object, path-style or virtual-hosted as configured.</summary>
    internal (Uri Origin, string Path) ObjectLocation(string bucket, string key)
    {
        var service = string.IsNullOrWhiteSpace(options.ServiceUrl) ? null : new Uri(options.ServiceUrl);
        if (options.ForcePathStyle)
        {
            return (service ?? new Uri($"https://s3.{region}.amazonaws.com"), $"/{bucket}/{key}");
        }

        var origin = service is null
            ? new Uri($"https://{bucket}.s3.{region}.amazonaws.com")
            : new UriBuilder(service.Scheme, $"{bucket}.{service.Host}", service.Port).Uri;
        return (origin, $"/{key}");
    }
}
