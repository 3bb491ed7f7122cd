using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Infrastructure.Aws.Signing;

/// <summary>An incoming request as a server sees it: <see cref="RawPath"/> and <see cref="RawQuery"/> exactly as on the wire.</summary>
public sealed record SigV4IncomingRequest(string Method, string RawPath, string RawQuery, IReadOnlyDictionary<string, string> Headers, string PayloadHash);

/// <summary>Why a request was refused, in AWS's terms: <see cref="Code"/> is <c>IncompleteSignature</c> (HTTP 400) or
/// <c>InvalidSignatureException</c> (HTTP 403).</summary>
public sealed record SigV4Failure(string Code, string Message)
{
    public const string Incomplete = "IncompleteSignature";
    public const string Invalid = "InvalidSignatureException";

    public int HttpStatus => Code == Incomplete ? 400 : 403;
}

/// <summary>
/// The server side of SigV4, for loopback fakes of AWS endpoints: recomputes the signature for a known secret key and checks
/// the credential scope (region, service, date), the clock skew and that <c>host</c> and <c>x-amz-date</c> are signed.
/// </summary>
public sealed class SigV4Verifier(TimeProvider time, string region, string service, IEnumerable<AwsSigningCredentials> knownCredentials)
{
    // A fake may know more than one secret for an access key (test suites written at different times); any one must match.
    private readonly ILookup<string, string> _secrets = knownCredentials.ToLookup(c => c.AccessKeyId, c => c.SecretAccessKey, StringComparer.Ordinal);

    public TimeSpan AllowedSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Returns null when the signature is valid, otherwise the refusal.</summary>
    public SigV4Failure? Verify(SigV4IncomingRequest request)
    {
        var authorization = Header(request, "authorization");
        if (authorization is null || !authorization.StartsWith(SigV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            return new(SigV4Failure.Incomplete, "Authorization header requires the AWS4-HMAC-SHA256 algorithm.");
        }

        var parts = authorization[SigV4Signer.Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return new(SigV4Failure.Incomplete, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return new(SigV4Failure.Incomplete, $"Credential must have the form <key>/<date>/<region>/<service>/aws4_request, not '{credential}'.");
        }

        var signed = signedHeaders.Split(';');
        if (!signed.Contains("host") || !signed.Contains(SigV4Signer.DateHeader))
        {
            return new(SigV4Failure.Incomplete, "SignedHeaders must include 'host' and 'x-amz-date'.");
        }

        var amzDate = Header(request, SigV4Signer.DateHeader);
        if (amzDate is null || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return new(SigV4Failure.Incomplete, "The x-amz-date header is missing or not in the form yyyyMMddTHHmmssZ.");
        }

        if (!_secrets.Contains(scope[0]))
        {
            return new(SigV4Failure.Invalid, "The security token included in the request is invalid.");
        }

        if (scope[1] != amzDate[..8])
        {
            return new(SigV4Failure.Invalid, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}'.");
        }

        if (scope[2] != region)
        {
            return new(SigV4Failure.Invalid, $"Credential should be scoped to a valid region, not '{scope[2]}'.");
        }

        if (scope[3] != service)
        {
            return new(SigV4Failure.Invalid, $"Credential should be scoped to correct service: '{service}'.");
        }

        var skew = (time.GetUtcNow() - signedAt).Duration();
        if (skew > AllowedSkew)
        {
            return new(SigV4Failure.Invalid, $"Signature expired: {amzDate} is more than {AllowedSkew.TotalMinutes} minutes from the server's time.");
        }

        var headers = new List<KeyValuePair<string, string>>(signed.Length);
        foreach (var name in signed)
        {
            var value = Header(request, name);
            if (value is null)
            {
                return new(SigV4Failure.Invalid, $"Signed header '{name}' is not present in the request.");
            }

            headers.Add(KeyValuePair.Create(name, value));
        }

        // The wire path is what the client encoded once; the signer encodes it again (S3 excepted).
        var path = service == "s3" ? Uri.UnescapeDataString(request.RawPath) : request.RawPath;
        var canonical = new SigV4Request(request.Method, path, request.RawQuery, headers, request.PayloadHash);
        var provided = Encoding.ASCII.GetBytes(signature);
        return _secrets[scope[0]].Any(secret => CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(SigV4Signer.Sign(canonical, new AwsSigningCredentials(scope[0], secret), scope[2], scope[3], signedAt).Signature), provided))
            ? null
            : new(SigV4Failure.Invalid, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private static string? Header(SigV4IncomingRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : null;
}
