using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Testing.Aws.Sns;

/// <summary>One Publish the fake accepted.</summary>
public sealed record FakeSnsMessage(string MessageId, string TopicArn, string? Subject, string Message, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// A loopback SNS endpoint speaking the Query protocol SNS speaks (form-encoded <c>Action=Publish&amp;Version=2010-03-31</c>, XML
/// answers in the <c>http://sns.amazonaws.com/doc/2010-03-31/</c> namespace, errors as <c>ErrorResponse/Error/{Type,Code,Message}</c>).
/// Every request's SigV4 signature is verified for the service <c>sns</c>, the fake's region and <see cref="TestAwsKeys"/>: an
/// unknown key is <c>InvalidClientTokenId</c> (403), a wrong secret, region or service <c>SignatureDoesNotMatch</c> (403). Publish to
/// a topic that was not created is <c>NotFound</c> (404); <see cref="InjectThrottling"/> makes the next answers <c>Throttling</c>.
/// </summary>
public sealed class FakeSnsServer : IAsyncDisposable
{
    public const string AccountId = "000000000000";
    public const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";
    private const int MaxSubjectLength = 100;
    private const int MaxMessageBytes = 256 * 1024;

    private readonly SigV4Verifier _verifier;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly List<FakeSnsMessage> _published = [];
    private LoopbackHost _host = null!;
    private int _throttledAnswersLeft;
    private int _serverErrorsLeft;
    private int _requestCount;

    private FakeSnsServer(string region)
    {
        Region = region;
        _verifier = new SigV4Verifier(TimeProvider.System, region, "sns", TestAwsKeys.Known);
    }

    public string Region { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>, for <c>Aws:Sns:ServiceUrl</c>.</summary>
    public string ServiceUrl => _host.ServiceUrl;

    /// <summary>Every request received, refused ones included (so a test can count retries).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    public IReadOnlyList<FakeSnsMessage> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    public static async Task<FakeSnsServer> StartAsync(string region = TestAwsKeys.Region)
    {
        var server = new FakeSnsServer(region);
        server._host = await LoopbackHost.StartAsync(app => app.MapPost("/", server.HandleAsync));
        return server;
    }

    /// <summary>Creates a topic and returns its ARN.</summary>
    public string CreateTopic(string name)
    {
        var arn = TopicArn(name);
        lock (_gate)
        {
            _topics.Add(arn);
        }

        return arn;
    }

    /// <summary>The ARN a topic of this name has (or would have) on this fake.</summary>
    public string TopicArn(string name) => $"arn:aws:sns:{Region}:{AccountId}:{name}";

    /// <summary>The next <paramref name="answers"/> requests are refused with <c>Throttling</c> (HTTP 400, as the Query protocol sends it).</summary>
    public void InjectThrottling(int answers) => Interlocked.Exchange(ref _throttledAnswersLeft, answers);

    /// <summary>The next <paramref name="answers"/> requests get <c>InternalError</c> (HTTP 500).</summary>
    public void InjectServerErrors(int answers) => Interlocked.Exchange(ref _serverErrorsLeft, answers);

    public ValueTask DisposeAsync() => _host?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        if (string.IsNullOrEmpty(request.Headers.Authorization.ToString()))
        {
            await ErrorAsync(context, 403, "MissingAuthenticationToken", "Request is missing Authentication Token");
            return;
        }

        if (Verify(context, body) is { } refusal)
        {
            var code = refusal.Code == SigV4Failure.Incomplete ? "IncompleteSignature"
                : UnknownAccessKey(request.Headers.Authorization.ToString()) ? "InvalidClientTokenId"
                : "SignatureDoesNotMatch";
            await ErrorAsync(context, refusal.HttpStatus, code, code == "InvalidClientTokenId" ? "The security token included in the request is invalid." : refusal.Message);
            return;
        }

        if (TakeOne(ref _throttledAnswersLeft))
        {
            await ErrorAsync(context, 400, "Throttling", "Rate exceeded");
            return;
        }

        if (TakeOne(ref _serverErrorsLeft))
        {
            await ErrorAsync(context, 500, "InternalError", "We encountered an internal error. Please try again.", "Receiver");
            return;
        }

        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            await ErrorAsync(context, 400, "MalformedQueryString", "Expected a form-encoded Query request.");
            return;
        }

        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        if (Field("Version") != "2010-03-31")
        {
            await ErrorAsync(context, 400, "InvalidParameterValue", "Version must be 2010-03-31.");
            return;
        }

        if (Field("Action") != "Publish")
        {
            await ErrorAsync(context, 400, "InvalidAction", $"The action {Field("Action")} is not valid for this endpoint.");
            return;
        }

        var topicArn = Field("TopicArn");
        var message = Field("Message");
        var subject = Field("Subject");
        if (string.IsNullOrEmpty(message))
        {
            await ErrorAsync(context, 400, "InvalidParameter", "Invalid parameter: Empty message");
            return;
        }

        if (Encoding.UTF8.GetByteCount(message) > MaxMessageBytes)
        {
            await ErrorAsync(context, 400, "InvalidParameter", "Invalid parameter: Message too long");
            return;
        }

        if (subject is not null && (subject.Length == 0 || subject.Length > MaxSubjectLength || subject.Any(c => c is < ' ' or > '~')))
        {
            await ErrorAsync(context, 400, "InvalidParameter", "Invalid parameter: Subject");
            return;
        }

        lock (_gate)
        {
            if (topicArn is null || !_topics.Contains(topicArn))
            {
                topicArn = null;
            }
        }

        if (topicArn is null)
        {
            await ErrorAsync(context, 404, "NotFound", "Topic does not exist");
            return;
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; Field(string.Create(CultureInfo.InvariantCulture, $"MessageAttributes.entry.{i}.Name")) is { } name; i++)
        {
            attributes[name] = Field(string.Create(CultureInfo.InvariantCulture, $"MessageAttributes.entry.{i}.Value.StringValue")) ?? "";
        }

        var published = new FakeSnsMessage(Guid.NewGuid().ToString(), topicArn, subject, message, attributes);
        lock (_gate)
        {
            _published.Add(published);
        }

        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(
            $"<PublishResponse xmlns=\"{Namespace}\"><PublishResult><MessageId>{published.MessageId}</MessageId></PublishResult>" +
            $"<ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></PublishResponse>");
    }

    private SigV4Failure? Verify(HttpContext context, byte[] body)
    {
        return _verifier.Verify(SigV4Requests.FromHttpContext(context, body));
    }

    private static bool UnknownAccessKey(string authorization)
    {
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return true;
        }

        var key = authorization[(start + "Credential=".Length)..].Split('/')[0];
        return TestAwsKeys.Known.All(k => k.AccessKeyId != key);
    }

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var left = Volatile.Read(ref counter);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message, string type = "Sender")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        return context.Response.WriteAsync(
            $"<ErrorResponse xmlns=\"{Namespace}\"><Error><Type>{type}</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error>" +
            $"<RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>");
    }
}
