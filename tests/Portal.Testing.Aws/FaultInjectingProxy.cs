using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portal.Testing.Aws;

/// <summary>Which AWS service's error shapes the proxy speaks when it injects a fault.</summary>
public enum FaultDialect
{
    /// <summary>JSON 1.0: <c>ProvisionedThroughputExceededException</c> (400) and <c>InternalServerError</c> (500).</summary>
    DynamoDb,

    /// <summary>REST-XML: <c>SlowDown</c> (503) and <c>InternalError</c> (500).</summary>
    S3,
}

public enum FaultKind
{
    Throttle,
    ServerError,
}

/// <summary>
/// A loopback reverse proxy in front of dynalite or s3rver that answers the next N matching requests with the service's own
/// throttling or 5xx error instead of forwarding them, so the SDK's retry path runs against a real server. Requests are
/// forwarded byte for byte with their original <c>Host</c> header, so signatures stay valid.
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host", "Content-Length",
    };

    private readonly FaultDialect _dialect;
    private readonly Uri _upstream;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly Lock _gate = new();
    private readonly List<PendingFault> _pending = [];
    private LoopbackHost? _host;
    private int _forwarded;
    private int _injected;

    private FaultInjectingProxy(string upstreamUrl, FaultDialect dialect)
    {
        _upstream = new Uri(upstreamUrl.TrimEnd('/') + "/");
        _dialect = dialect;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>: give this to the SDK as its ServiceURL.</summary>
    public string ServiceUrl => _host!.ServiceUrl;

    public int Forwarded => Volatile.Read(ref _forwarded);

    public int Injected => Volatile.Read(ref _injected);

    public static async Task<FaultInjectingProxy> StartAsync(string upstreamUrl, FaultDialect dialect)
    {
        var proxy = new FaultInjectingProxy(upstreamUrl, dialect);
        proxy._host = await LoopbackHost.StartAsync(app => app.Run(proxy.HandleAsync));
        return proxy;
    }

    /// <summary>
    /// The next <paramref name="count"/> requests that match (all when <paramref name="match"/> is null; e.g. an
    /// <c>X-Amz-Target</c> of <c>DynamoDB_20120810.PutItem</c>, or a PUT) get the fault instead of reaching the server.
    /// </summary>
    public void FailNext(int count, FaultKind kind, Func<HttpRequest, bool>? match = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            _pending.Add(new PendingFault(count, kind, match));
        }
    }

    /// <summary>Matches a DynamoDB operation by its <c>X-Amz-Target</c> (<c>PutItem</c>, <c>Query</c>, …).</summary>
    public static Func<HttpRequest, bool> DynamoDbOperation(string operation) =>
        request => string.Equals(request.Headers["X-Amz-Target"].ToString(), "DynamoDB_20120810." + operation, StringComparison.Ordinal);

    private async Task HandleAsync(HttpContext context)
    {
        var fault = TakeFault(context.Request);
        if (fault is { } kind)
        {
            Interlocked.Increment(ref _injected);
            await WriteFaultAsync(context.Response, kind);
            return;
        }

        Interlocked.Increment(ref _forwarded);
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            new Uri(_upstream, context.Request.Path.ToUriComponent().TrimStart('/') + context.Request.QueryString.ToUriComponent()));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        forward.Content = new ByteArrayContent(body.ToArray());
        foreach (var header in context.Request.Headers)
        {
            if (HopByHop.Contains(header.Key))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                forward.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        // The client signed the proxy's host; the server sees the same one.
        forward.Headers.Host = context.Request.Host.Value;
        using var response = await _client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private FaultKind? TakeFault(HttpRequest request)
    {
        lock (_gate)
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                var pending = _pending[i];
                if (pending.Match is not null && !pending.Match(request))
                {
                    continue;
                }

                pending.Remaining--;
                if (pending.Remaining == 0)
                {
                    _pending.RemoveAt(i);
                }

                return pending.Kind;
            }

            return null;
        }
    }

    private Task WriteFaultAsync(HttpResponse response, FaultKind kind)
    {
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString("N");
        if (_dialect == FaultDialect.DynamoDb)
        {
            var (status, type, message) = kind == FaultKind.Throttle
                ? (400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded.")
                : (500, "InternalServerError", "Internal server error");
            response.StatusCode = status;
            response.ContentType = "application/x-amz-json-1.0";
            return response.WriteAsync($$"""{"__type":"com.amazonaws.dynamodb.v20120810#{{type}}","message":"{{message}}"}""", Encoding.UTF8);
        }

        var (s3Status, code, s3Message) = kind == FaultKind.Throttle
            ? (503, "SlowDown", "Please reduce your request rate.")
            : (500, "InternalError", "We encountered an internal error. Please try again.");
        response.StatusCode = s3Status;
        response.ContentType = "application/xml";
        return response.WriteAsync(
            $"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{s3Message}</Message><RequestId>fault</RequestId></Error>""",
            Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _client.Dispose();
    }

    private sealed class PendingFault(int count, FaultKind kind, Func<HttpRequest, bool>? match)
    {
        public int Remaining { get; set; } = count;

        public FaultKind Kind { get; } = kind;

        public Func<HttpRequest, bool>? Match { get; } = match;
    }
}
