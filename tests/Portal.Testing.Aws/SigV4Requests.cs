using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Testing.Aws;

/// <summary>What the fakes hand to <see cref="SigV4Verifier"/>: the request as the client signed it.</summary>
public static class SigV4Requests
{
    /// <summary>The raw request target keeps the path exactly as the client encoded it (a decoded path would not verify).</summary>
    public static SigV4IncomingRequest FromHttpContext(HttpContext context, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new SigV4IncomingRequest(
            context.Request.Method,
            queryStart < 0 ? rawTarget : rawTarget[..queryStart],
            queryStart < 0 ? "" : rawTarget[(queryStart + 1)..],
            headers,
            SigV4Signer.HexSha256(body));
    }
}
