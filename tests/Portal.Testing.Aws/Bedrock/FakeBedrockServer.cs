using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portal.Infrastructure.Aws.Signing;
using SkiaSharp;

namespace Portal.Testing.Aws.Bedrock;

/// <summary>
/// A loopback Bedrock Runtime (<c>POST /model/{modelId}/invoke</c>) that verifies every request's SigV4 signature (service
/// <c>bedrock</c>, <see cref="TestAwsKeys"/>, the region given, the escaped model id in the raw path) and answers like Bedrock:
/// errors as <c>{"message": …}</c> with the code in <c>x-amzn-ErrorType</c>. Titan Multimodal Embeddings returns a deterministic
/// unit vector of the requested length derived from the image bytes, after checking the body as Bedrock does (base64 image,
/// length 256/384/1024, at most 2048 px per side and <see cref="MaxTitanImageBytes"/>). Nova Lite returns
/// <see cref="NovaAnswerText"/> (valid JSON by default) after <see cref="NovaDelay"/>. <see cref="ThrottleNext"/> refuses the
/// next calls with <c>ThrottlingException</c>.
/// </summary>
public sealed class FakeBedrockServer : IAsyncDisposable
{
    public const string TitanModelId = "amazon.titan-embed-image-v1";
    public const string NovaModelId = "amazon.nova-lite-v1:0";
    public const string DefaultNovaAnswer = """{"score": 0.8, "condition": "very_good", "defects": ["small scuff on the left toe"]}""";
    public const int MaxTitanImageSide = 2048;

    private static readonly int[] TitanLengths = [256, 384, 1024];
    private static readonly string[] NovaFormats = ["png", "jpeg", "gif", "webp"];

    private readonly SigV4Verifier _verifier;
    private readonly Lock _gate = new();
    private readonly List<BedrockCall> _calls = [];
    private int _throttleNext;
    private LoopbackHost? _host;

    private FakeBedrockServer(string region)
    {
        _verifier = new SigV4Verifier(TimeProvider.System, region, "bedrock", TestAwsKeys.Known);
    }

    public string ServiceUrl => _host!.ServiceUrl;

    /// <summary>The assistant text Nova Lite answers with (change it to test garbage, prose or out-of-range answers).</summary>
    public string NovaAnswerText { get; set; } = DefaultNovaAnswer;

    /// <summary>How long Nova Lite takes to answer (a timeout test sets it above the client's budget).</summary>
    public TimeSpan NovaDelay { get; set; } = TimeSpan.Zero;

    public int MaxTitanImageBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Every call that passed the signature check, in order (throttled and refused ones included).</summary>
    public IReadOnlyList<BedrockCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public int CallCount(string modelId) => Calls.Count(c => c.ModelId == modelId);

    /// <summary>The Titan calls that were answered with a vector.</summary>
    public IReadOnlyList<BedrockCall> ServedTitanCalls => [.. Calls.Where(c => c.ModelId == TitanModelId && c.Status == 200)];

    public static async Task<FakeBedrockServer> StartAsync(string region = TestAwsKeys.Region)
    {
        var server = new FakeBedrockServer(region);
        server._host = await LoopbackHost.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    /// <summary>The next <paramref name="count"/> signed calls are refused with 429 <c>ThrottlingException</c>.</summary>
    public void ThrottleNext(int count)
    {
        lock (_gate)
        {
            _throttleNext = count;
        }
    }

    /// <summary>The unit vector Titan's stand-in returns for these exact image bytes and length.</summary>
    public static float[] VectorFor(ReadOnlySpan<byte> image, int length)
    {
        var seed = SHA256.HashData(image);
        var vector = new float[length];
        Span<byte> block = stackalloc byte[32];
        Span<byte> input = stackalloc byte[36];
        seed.CopyTo(input);
        for (var i = 0; i < length; i += 8)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input[32..], i);
            SHA256.HashData(input, block);
            for (var j = 0; j < 8 && i + j < length; j++)
            {
                vector[i + j] = (BinaryPrimitives.ReadUInt32LittleEndian(block[(j * 4)..]) / (float)uint.MaxValue) - 0.5f;
            }
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        for (var i = 0; i < length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q >= 0 ? rawTarget[..q] : rawTarget;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        if (string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString()))
        {
            await WriteErrorAsync(context, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
            return;
        }

        if (_verifier.Verify(SigV4Requests.FromHttpContext(context, body)) is { } refusal)
        {
            var code = refusal.Code == SigV4Failure.Invalid && refusal.Message.Contains("security token", StringComparison.Ordinal) ? "UnrecognizedClientException" : refusal.Code;
            await WriteErrorAsync(context, refusal.HttpStatus, code, refusal.Message);
            return;
        }

        var segments = rawPath.Split('/');
        if (context.Request.Method != "POST" || segments.Length != 4 || segments[0].Length != 0 || segments[1] != "model" || segments[3] != "invoke")
        {
            await WriteErrorAsync(context, 404, "UnknownOperationException", $"No operation at {context.Request.Method} {rawPath}.");
            return;
        }

        var modelId = Uri.UnescapeDataString(segments[2]);
        var call = new BedrockCall(modelId, rawPath, body);
        lock (_gate)
        {
            _calls.Add(call);
            if (_throttleNext > 0)
            {
                _throttleNext--;
                call.Status = 429;
            }
        }

        if (call.Status == 429)
        {
            await WriteErrorAsync(context, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
            return;
        }

        try
        {
            if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), "application/json", StringComparison.OrdinalIgnoreCase))
            {
                throw new BedrockFault(400, "ValidationException", "The content type must be application/json.");
            }

            JsonObject request;
            try
            {
                request = JsonNode.Parse(body)?.AsObject() ?? throw new BedrockFault(400, "ValidationException", "Malformed input request: the body is empty.");
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw new BedrockFault(400, "ValidationException", "Malformed input request, please reformat your input and try again.");
            }

            JsonObject answer;
            if (modelId == TitanModelId)
            {
                answer = Titan(call, request);
            }
            else if (IsNova(modelId))
            {
                answer = await NovaAsync(call, request, context.RequestAborted);
            }
            else
            {
                throw new BedrockFault(400, "ValidationException", "The provided model identifier is invalid.");
            }

            call.Status = 200;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
        }
        catch (BedrockFault fault)
        {
            call.Status = fault.Status;
            await WriteErrorAsync(context, fault.Status, fault.Code, fault.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout): nothing to answer.
            call.Status = 499;
        }
    }

    private static bool IsNova(string modelId) =>
        modelId == NovaModelId || (modelId.EndsWith("." + NovaModelId, StringComparison.Ordinal) && modelId.IndexOf('.', StringComparison.Ordinal) is > 0 and < 6);

    private JsonObject Titan(BedrockCall call, JsonObject request)
    {
        if (request["inputImage"] is not JsonValue imageValue || !imageValue.TryGetValue<string>(out var base64))
        {
            throw new BedrockFault(400, "ValidationException", "Malformed input request: required key [inputImage] not found (this stand-in embeds images only).");
        }

        var length = 1024;
        if (request["embeddingConfig"] is JsonObject config && config["outputEmbeddingLength"] is JsonNode requested)
        {
            if (requested is not JsonValue lengthValue || !lengthValue.TryGetValue<int>(out length) || !TitanLengths.Contains(length))
            {
                throw new BedrockFault(400, "ValidationException", "Malformed input request: #/embeddingConfig/outputEmbeddingLength: must be one of 256, 384, 1024.");
            }
        }

        var image = DecodeImage(base64, MaxTitanImageBytes, out var width, out var height, out _);
        if (Math.Max(width, height) > MaxTitanImageSide)
        {
            throw new BedrockFault(400, "ValidationException", $"Input image size {width}x{height} exceeds the maximum of {MaxTitanImageSide} pixels per side.");
        }

        call.Images.Add(new SentImage(image, width, height));
        var vector = VectorFor(image, length);
        return new JsonObject
        {
            ["embedding"] = new JsonArray([.. vector.Select(v => (JsonNode)JsonValue.Create(v))]),
            ["inputTextTokenCount"] = 0,
        };
    }

    private async Task<JsonObject> NovaAsync(BedrockCall call, JsonObject request, CancellationToken cancellationToken)
    {
        if (request["messages"] is not JsonArray { Count: > 0 } messages)
        {
            throw new BedrockFault(400, "ValidationException", "Malformed input request: required key [messages] not found.");
        }

        var hasText = false;
        foreach (var message in messages.OfType<JsonObject>())
        {
            if (message["content"] is not JsonArray content)
            {
                throw new BedrockFault(400, "ValidationException", "Malformed input request: a message has no content array.");
            }

            foreach (var part in content.OfType<JsonObject>())
            {
                if (part["text"] is JsonValue)
                {
                    hasText = true;
                }
                else if (part["image"] is JsonObject image)
                {
                    var format = image["format"]?.GetValue<string>();
                    if (format is null || !NovaFormats.Contains(format))
                    {
                        throw new BedrockFault(400, "ValidationException", "Malformed input request: image format must be one of png, jpeg, gif, webp.");
                    }

                    if (image["source"]?["bytes"] is not JsonValue bytesValue || !bytesValue.TryGetValue<string>(out var base64))
                    {
                        throw new BedrockFault(400, "ValidationException", "Malformed input request: image source bytes are required.");
                    }

                    var bytes = DecodeImage(base64, 25 * 1024 * 1024, out var width, out var height, out var actualFormat);
                    if (actualFormat != format)
                    {
                        throw new BedrockFault(400, "ValidationException", $"The image is {actualFormat} but the request says {format}.");
                    }

                    call.Images.Add(new SentImage(bytes, width, height));
                }
            }
        }

        if (!hasText || call.Images.Count == 0)
        {
            throw new BedrockFault(400, "ValidationException", "This stand-in expects at least one image and a text prompt.");
        }

        if (NovaDelay > TimeSpan.Zero)
        {
            await Task.Delay(NovaDelay, cancellationToken);
        }

        return new JsonObject
        {
            ["output"] = new JsonObject
            {
                ["message"] = new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = new JsonArray(new JsonObject { ["text"] = NovaAnswerText }),
                },
            },
            ["stopReason"] = "end_turn",
            ["usage"] = new JsonObject { ["inputTokens"] = 1500, ["outputTokens"] = 40, ["totalTokens"] = 1540 },
        };
    }

    private static byte[] DecodeImage(string base64, int maxBytes, out int width, out int height, out string format)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new BedrockFault(400, "ValidationException", "Malformed input request: the image is not valid base64.");
        }

        if (bytes.Length > maxBytes)
        {
            throw new BedrockFault(400, "ValidationException", $"The image is {bytes.Length} bytes; at most {maxBytes} are accepted.");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new BedrockFault(400, "ValidationException", "Unable to process the provided image: not a supported image.");
        width = codec.Info.Width;
        height = codec.Info.Height;
        format = codec.EncodedFormat.ToString().ToLowerInvariant();
        return bytes;
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = $"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString(), Encoding.UTF8);
    }

    private sealed class BedrockFault(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;
    }
}

/// <summary>One signed call: the model, the raw path as sent, the body, the images it carried, the status answered.</summary>
public sealed class BedrockCall(string modelId, string rawPath, byte[] body)
{
    public string ModelId { get; } = modelId;

    public string RawPath { get; } = rawPath;

    public byte[] Body { get; } = body;

    public List<SentImage> Images { get; } = [];

    public int Status { get; set; }
}

/// <summary>An image as the stand-in received it.</summary>
public sealed record SentImage(byte[] Bytes, int Width, int Height);
