using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Infrastructure.Aws.Signing;

/// <summary>A request reduced to what SigV4 signs: <see cref="Path"/> is the path as the signer sees it (each segment is
/// URI-encoded once more in the canonical request), <see cref="Query"/> the raw query string without <c>?</c>.</summary>
public sealed record SigV4Request(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string PayloadHash);

/// <summary>Every intermediate of one signature, so tests can compare each against the published vectors.</summary>
public sealed record SigV4Signature(string CanonicalRequest, string StringToSign, string SignedHeaders, string Signature, string Authorization);

/// <summary>AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) over <see cref="HttpRequestMessage"/>.</summary>
public sealed class SigV4Signer(TimeProvider time)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string DateHeader = "x-amz-date";
    public const string SecurityTokenHeader = "x-amz-security-token";
    public static readonly string EmptyPayloadHash = HexSha256([]);

    // Headers a proxy or the HTTP stack may rewrite are sent but never signed; the payload hash already covers the length.
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase) { "authorization", "user-agent", "connection", "expect", "transfer-encoding", "content-length", "x-amzn-trace-id" };

    /// <summary>Adds <c>x-amz-date</c>, <c>host</c>, the session token when present and the <c>Authorization</c> header.</summary>
    public async Task<SigV4Signature> SignAsync(HttpRequestMessage request, AwsSigningCredentials credentials, string region, string service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var now = time.GetUtcNow();
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        request.Headers.Remove(DateHeader);
        request.Headers.Remove(SecurityTokenHeader);
        request.Headers.Authorization = null;
        request.Headers.TryAddWithoutValidation(DateHeader, now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (credentials.SessionToken is { } token)
        {
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, token);
        }

        request.Headers.Host ??= request.RequestUri.IsDefaultPort ? request.RequestUri.Host : request.RequestUri.Authority;
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Where(h => !UnsignedHeaders.Contains(h.Key))
            .Select(h => KeyValuePair.Create(h.Key, string.Join(',', h.Value)))
            .ToList();

        // S3 signs the path as sent (encoded once); every other service encodes the sent path again.
        var path = string.Equals(service, "s3", StringComparison.Ordinal) ? Uri.UnescapeDataString(request.RequestUri.AbsolutePath) : request.RequestUri.AbsolutePath;
        var signature = Sign(new SigV4Request(request.Method.Method, path, request.RequestUri.Query.TrimStart('?'), headers, HexSha256(body)), credentials, region, service, now);
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return signature;
    }

    public static SigV4Signature Sign(SigV4Request request, AwsSigningCredentials credentials, string region, string service, DateTimeOffset timestamp)
    {
        var amzDate = timestamp.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = request.Headers
            .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => CollapseSpaces(h.Value)))))
            .ToList();
        var signedHeaders = string.Join(';', headers.Select(h => h.Name));
        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalPath(request.Path),
            CanonicalQuery(request.Query),
            string.Concat(headers.Select(h => $"{h.Name}:{h.Value}\n")),
            signedHeaders,
            request.PayloadHash);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";
        var key = SigningKey(credentials.SecretAccessKey, date, region, service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, signedHeaders, signature, authorization);
    }

    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>RFC 3986 encoding as SigV4 defines it: only A–Z a–z 0–9 <c>- _ . ~</c> stay, everything else is %XX of its UTF-8 bytes.</summary>
    public static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string CanonicalPath(string path) =>
        path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(UriEncode));

    private static string CanonicalQuery(string query) =>
        string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Name: UriEncode(Unescape(parts[0])), Value: UriEncode(parts.Length > 1 ? Unescape(parts[1]) : "")))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    // A literal '+' in a query is a plus sign to AWS, not a space.
    private static string Unescape(string value) => Uri.UnescapeDataString(value);

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
