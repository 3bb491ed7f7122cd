using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Aws.Signing;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Sqs;

/// <summary>
/// A loopback SQS endpoint speaking the service's JSON protocol (<c>application/x-amz-json-1.0</c>,
/// <c>X-Amz-Target: AmazonSQS.&lt;Operation&gt;</c>) with the real semantics the consumer relies on: visibility timeouts,
/// receipt handles, ApproximateReceiveCount, a redrive policy that moves a message to its DLQ when a receive finds it already
/// received maxReceiveCount times, and long polling. Time comes from the injected <see cref="TimeProvider"/>, so a test
/// moves visibility deadlines by advancing a fake clock. Every request's SigV4 signature is verified against
/// <see cref="KnownCredentials"/>, the fake's region and the service <c>sqs</c> (with the wall clock, which the SDK signs
/// with, for the ±5 minute skew): a wrong key, region or service is refused as SQS refuses it.
/// </summary>
public sealed class FakeSqsServer : IAsyncDisposable
{
    public const string AccountId = "000000000000";
    public const string DefaultRegion = "eu-west-1";

    /// <summary>The dummy keys the tests sign with (the SigV4 suite's example key, and the crash test's).</summary>
    public static readonly IReadOnlyList<AwsSigningCredentials> KnownCredentials =
    [
        new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        new("AKIDEXAMPLE", "test-secret"),
    ];
    private const string JsonContentType = "application/x-amz-json-1.0";
    private const string TargetPrefix = "AmazonSQS.";

    private readonly TimeProvider _time;
    private readonly SigV4Verifier _verifier;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeQueue> _queues = new(StringComparer.Ordinal);
    private readonly List<string> _operations = [];
    private TaskCompletionSource _changed = NewSignal();
    private WebApplication? _app;

    public FakeSqsServer(TimeProvider time, string region = DefaultRegion)
    {
        _time = time;
        _verifier = new SigV4Verifier(TimeProvider.System, region, "sqs", KnownCredentials);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string ServiceUrl => BaseAddress.ToString().TrimEnd('/');

    /// <summary>Every operation served, in order (<c>ReceiveMessage</c>, <c>ChangeMessageVisibility</c>, …).</summary>
    public IReadOnlyList<string> Operations
    {
        get
        {
            lock (_gate)
            {
                return [.. _operations];
            }
        }
    }

    public static async Task<FakeSqsServer> StartAsync(TimeProvider time, string region = DefaultRegion)
    {
        var server = new FakeSqsServer(time, region);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/", server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(address + "/");
        return server;
    }

    /// <summary>Creates a queue; with <paramref name="deadLetterQueueUrl"/> its redrive policy moves a message there after <paramref name="maxReceiveCount"/> receives.</summary>
    public string CreateQueue(string name, string? deadLetterQueueUrl = null, int maxReceiveCount = 2)
    {
        var url = $"{ServiceUrl}/{AccountId}/{name}";
        lock (_gate)
        {
            _queues[name] = new FakeQueue(name, deadLetterQueueUrl is null ? null : QueueName(deadLetterQueueUrl), maxReceiveCount);
        }

        return url;
    }

    public int OperationCount(string operation)
    {
        lock (_gate)
        {
            return _operations.Count(o => o == operation);
        }
    }

    /// <summary>The messages still in a queue (visible or in flight), oldest first.</summary>
    public IReadOnlyList<FakeMessageSnapshot> Messages(string queueUrl)
    {
        lock (_gate)
        {
            return [.. Queue(queueUrl).Messages.Select(m => new FakeMessageSnapshot(m.MessageId, m.Body, m.ReceiveCount, m.VisibleAt))];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string QueueName(string queueUrl) => queueUrl.TrimEnd('/').Split('/')[^1];

    private FakeQueue Queue(string queueUrl) =>
        _queues.TryGetValue(QueueName(queueUrl), out var queue) ? queue : throw new SqsFault(400, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (string.IsNullOrEmpty(request.Headers.Authorization.ToString()))
        {
            await WriteFaultAsync(context, new SqsFault(403, "MissingAuthenticationToken", "AWS.SimpleQueueService.MissingAuthenticationToken", "Request is missing Authentication Token"));
            return;
        }

        if (await VerifySignatureAsync(context) is { } refusal)
        {
            await WriteFaultAsync(context, new SqsFault(refusal.HttpStatus, refusal.Code, refusal.Code, refusal.Message));
            return;
        }

        var target = request.Headers["X-Amz-Target"].ToString();
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), JsonContentType, StringComparison.OrdinalIgnoreCase) || !target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await WriteFaultAsync(context, new SqsFault(400, "UnknownOperationException", "UnknownOperationException", "Expected application/x-amz-json-1.0 with an X-Amz-Target of AmazonSQS.<Operation>."));
            return;
        }

        var operation = target[TargetPrefix.Length..];
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted))?.AsObject() ?? [];
        }
        catch (JsonException)
        {
            await WriteFaultAsync(context, new SqsFault(400, "SerializationException", "SerializationException", "The request body is not valid JSON."));
            return;
        }

        lock (_gate)
        {
            _operations.Add(operation);
        }

        try
        {
            JsonObject response = operation switch
            {
                "SendMessage" => SendMessage(body),
                "ReceiveMessage" => await ReceiveMessageAsync(body, context.RequestAborted),
                "DeleteMessage" => DeleteMessage(body),
                "ChangeMessageVisibility" => ChangeMessageVisibility(body),
                "GetQueueAttributes" => GetQueueAttributes(body),
                _ => throw new SqsFault(400, "UnknownOperationException", "UnknownOperationException", $"Operation {operation} is not supported by this endpoint."),
            };
            context.Response.StatusCode = 200;
            context.Response.ContentType = JsonContentType;
            await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted);
        }
        catch (SqsFault fault)
        {
            await WriteFaultAsync(context, fault);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up on its long poll (shutdown).
        }
    }

    private async Task<SigV4Failure?> VerifySignatureAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        request.Body.Position = 0;

        return _verifier.Verify(SigV4Requests.FromHttpContext(context, buffer.ToArray()));
    }

    private static async Task WriteFaultAsync(HttpContext context, SqsFault fault)
    {
        context.Response.StatusCode = fault.Status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-query-error"] = $"{fault.QueryCode};Sender";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var body = new JsonObject { ["__type"] = "com.amazonaws.sqs#" + fault.Type, ["message"] = fault.Message };
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private JsonObject SendMessage(JsonObject body)
    {
        var text = RequiredString(body, "MessageBody");
        var delay = OptionalInt(body, "DelaySeconds") ?? 0;
        var message = new FakeMessage(Guid.NewGuid().ToString(), text, _time.GetUtcNow()) { VisibleAt = _time.GetUtcNow().AddSeconds(delay) };
        lock (_gate)
        {
            Queue(RequiredString(body, "QueueUrl")).Messages.Add(message);
        }

        Signal();
        return new JsonObject { ["MD5OfMessageBody"] = Md5Hex(text), ["MessageId"] = message.MessageId };
    }

    private async Task<JsonObject> ReceiveMessageAsync(JsonObject body, CancellationToken aborted)
    {
        var queueUrl = RequiredString(body, "QueueUrl");
        var max = OptionalInt(body, "MaxNumberOfMessages") ?? 1;
        var wait = OptionalInt(body, "WaitTimeSeconds") ?? 0;
        if (max is < 1 or > 10 || wait is < 0 or > 20)
        {
            throw new SqsFault(400, "InvalidParameterValue", "InvalidParameterValue", "MaxNumberOfMessages must be 1–10 and WaitTimeSeconds 0–20.");
        }

        var requested = (body["MessageSystemAttributeNames"] as JsonArray ?? body["AttributeNames"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var deadline = _time.GetUtcNow().AddSeconds(wait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var queue = Queue(queueUrl);
                var visibility = OptionalInt(body, "VisibilityTimeout") ?? queue.VisibilityTimeoutSeconds;
                var taken = Take(queue, max, visibility);
                if (taken.Count > 0 || _time.GetUtcNow() >= deadline)
                {
                    return new JsonObject { ["Messages"] = new JsonArray([.. taken.Select(t => (JsonNode)ToJson(t, requested))]) };
                }

                changed = _changed.Task;
            }

            // Woken by a send or a visibility change; the short real-time tick notices a fake clock moved by the test.
            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(20), aborted));
            aborted.ThrowIfCancellationRequested();
        }
    }

    private List<(FakeMessage Message, string Receipt)> Take(FakeQueue queue, int max, int visibilitySeconds)
    {
        var now = _time.GetUtcNow();
        var taken = new List<(FakeMessage, string)>();
        foreach (var message in queue.Messages.ToList())
        {
            if (taken.Count == max)
            {
                break;
            }

            if (message.VisibleAt > now)
            {
                continue;
            }

            // SQS's redrive: a receive that finds a message already received maxReceiveCount times moves it to the DLQ.
            if (queue.DeadLetterQueue is { } dlqName && message.ReceiveCount >= queue.MaxReceiveCount)
            {
                queue.Messages.Remove(message);
                _queues[dlqName].Messages.Add(new FakeMessage(message.MessageId, message.Body, message.SentAt) { VisibleAt = now });
                continue;
            }

            message.ReceiveCount++;
            message.FirstReceivedAt ??= now;
            message.VisibleAt = now.AddSeconds(visibilitySeconds);
            message.CurrentReceipt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            message.Receipts.Add(message.CurrentReceipt);
            taken.Add((message, message.CurrentReceipt));
        }

        return taken;
    }

    private static JsonObject ToJson((FakeMessage Message, string Receipt) taken, HashSet<string> requested)
    {
        var (message, receipt) = taken;
        var all = requested.Contains("All");
        var attributes = new JsonObject();
        if (all || requested.Contains("ApproximateReceiveCount"))
        {
            attributes["ApproximateReceiveCount"] = message.ReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (all || requested.Contains("SentTimestamp"))
        {
            attributes["SentTimestamp"] = message.SentAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (all || requested.Contains("ApproximateFirstReceiveTimestamp"))
        {
            attributes["ApproximateFirstReceiveTimestamp"] = message.FirstReceivedAt!.Value.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var json = new JsonObject
        {
            ["MessageId"] = message.MessageId,
            ["ReceiptHandle"] = receipt,
            ["MD5OfBody"] = Md5Hex(message.Body),
            ["Body"] = message.Body,
        };
        if (attributes.Count > 0)
        {
            json["Attributes"] = attributes;
        }

        return json;
    }

    private JsonObject DeleteMessage(JsonObject body)
    {
        var receipt = RequiredString(body, "ReceiptHandle");
        lock (_gate)
        {
            var queue = Queue(RequiredString(body, "QueueUrl"));
            var message = queue.Messages.FirstOrDefault(m => m.Receipts.Contains(receipt));
            if (message is null)
            {
                if (!queue.RetiredReceipts.Contains(receipt))
                {
                    throw new SqsFault(400, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
                }
            }
            else
            {
                queue.Messages.Remove(message);
                queue.RetiredReceipts.UnionWith(message.Receipts);
            }
        }

        return [];
    }

    private JsonObject ChangeMessageVisibility(JsonObject body)
    {
        var receipt = RequiredString(body, "ReceiptHandle");
        var seconds = OptionalInt(body, "VisibilityTimeout") ?? throw new SqsFault(400, "MissingParameter", "MissingParameter", "VisibilityTimeout is required.");
        if (seconds is < 0 or > 43_200)
        {
            throw new SqsFault(400, "InvalidParameterValue", "InvalidParameterValue", "VisibilityTimeout must be 0–43200.");
        }

        lock (_gate)
        {
            var queue = Queue(RequiredString(body, "QueueUrl"));
            var now = _time.GetUtcNow();
            var message = queue.Messages.FirstOrDefault(m => m.CurrentReceipt == receipt);
            if (message is null)
            {
                throw new SqsFault(400, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
            }

            if (message.VisibleAt <= now)
            {
                throw new SqsFault(400, "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message referred to isn't in flight.");
            }

            message.VisibleAt = now.AddSeconds(seconds);
        }

        Signal();
        return [];
    }

    private JsonObject GetQueueAttributes(JsonObject body)
    {
        lock (_gate)
        {
            var queue = Queue(RequiredString(body, "QueueUrl"));
            var now = _time.GetUtcNow();
            return new JsonObject
            {
                ["Attributes"] = new JsonObject
                {
                    ["ApproximateNumberOfMessages"] = queue.Messages.Count(m => m.VisibleAt <= now).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["ApproximateNumberOfMessagesNotVisible"] = queue.Messages.Count(m => m.VisibleAt > now).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private static string RequiredString(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new SqsFault(400, "MissingParameter", "MissingParameter", $"The request must contain the parameter {name}.");

    private static int? OptionalInt(JsonObject body, string name) =>
        body[name] is JsonValue value ? (value.TryGetValue<int>(out var number) ? number : throw new SqsFault(400, "InvalidParameterValue", "InvalidParameterValue", $"{name} must be an integer.")) : null;

    private static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed class FakeQueue(string name, string? deadLetterQueue, int maxReceiveCount)
    {
        public string Name { get; } = name;
        public string? DeadLetterQueue { get; } = deadLetterQueue;
        public int MaxReceiveCount { get; } = maxReceiveCount;
        public int VisibilityTimeoutSeconds { get; } = 30;
        public List<FakeMessage> Messages { get; } = [];
        public HashSet<string> RetiredReceipts { get; } = new(StringComparer.Ordinal);
    }

    private sealed class FakeMessage(string messageId, string body, DateTimeOffset sentAt)
    {
        public string MessageId { get; } = messageId;
        public string Body { get; } = body;
        public DateTimeOffset SentAt { get; } = sentAt;
        public int ReceiveCount { get; set; }
        public DateTimeOffset VisibleAt { get; set; }
        public DateTimeOffset? FirstReceivedAt { get; set; }
        public string? CurrentReceipt { get; set; }
        public HashSet<string> Receipts { get; } = new(StringComparer.Ordinal);
    }

    private sealed class SqsFault(int status, string type, string queryCode, string message) : Exception(message)
    {
        public int Status { get; } = status;
        public string Type { get; } = type;
        public string QueryCode { get; } = queryCode;
    }
}

public sealed record FakeMessageSnapshot(string MessageId, string Body, int ReceiveCount, DateTimeOffset VisibleAt);
