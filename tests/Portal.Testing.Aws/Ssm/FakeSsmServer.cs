using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Testing.Aws.Ssm;

/// <summary>
/// A loopback AWS Systems Manager endpoint serving <c>GetParametersByPath</c> over the real JSON 1.1 protocol
/// (<c>application/x-amz-json-1.1</c>, <c>X-Amz-Target: AmazonSSM.GetParametersByPath</c>): recursive or one level, at most
/// <c>MaxResults</c> (1–10) per page with an opaque <c>NextToken</c>, SecureString values returned in clear only
/// <c>WithDecryption</c>. Every request's SigV4 signature is verified for the service <c>ssm</c> and the fake's region: a wrong
/// key, region or service is refused with SSM's error shape (<c>{"__type": …, "message": …}</c>, HTTP 400).
/// </summary>
public sealed class FakeSsmServer : IAsyncDisposable
{
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "AmazonSSM.";

    private readonly SigV4Verifier _verifier;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, FakeParameter> _parameters = new(StringComparer.Ordinal);
    private readonly List<FakeSsmRequest> _requests = [];
    private LoopbackHost? _host;

    private FakeSsmServer(string region) =>
        // The SDK signs with the wall clock, so the ±5 minute skew is checked against it.
        _verifier = new SigV4Verifier(TimeProvider.System, region, "ssm", TestAwsKeys.Known);

    public string ServiceUrl { get; private set; } = string.Empty;

    /// <summary>Every request served (signature valid), in order.</summary>
    public IReadOnlyList<FakeSsmRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeSsmServer> StartAsync(string region = TestAwsKeys.Region)
    {
        var server = new FakeSsmServer(region);
        server._host = await LoopbackHost.StartAsync(app => app.MapPost("/", server.HandleAsync));
        server.ServiceUrl = server._host.ServiceUrl;
        return server;
    }

    /// <summary>Creates or overwrites a parameter (<c>String</c>, <c>StringList</c> or <c>SecureString</c>).</summary>
    public void Put(string name, string value, string type = "String")
    {
        if (!name.StartsWith('/') || type is not ("String" or "StringList" or "SecureString"))
        {
            throw new ArgumentException("A parameter name starts with '/' and its type is String, StringList or SecureString.");
        }

        lock (_gate)
        {
            var version = _parameters.TryGetValue(name, out var old) ? old.Version + 1 : 1;
            _parameters[name] = new FakeParameter(name, type, value, version);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test may stop the server early to see how its client copes.
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await host.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        if (string.IsNullOrEmpty(request.Headers.Authorization.ToString()))
        {
            await WriteErrorAsync(context, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
            return;
        }

        var refusal = _verifier.Verify(SigV4Requests.FromHttpContext(context, body));
        if (refusal is not null)
        {
            // SSM answers signature problems with 400: an unknown key is UnrecognizedClientException.
            var type = refusal.Message.StartsWith("The security token", StringComparison.Ordinal) ? "UnrecognizedClientException" : refusal.Code;
            await WriteErrorAsync(context, 400, type, refusal.Message);
            return;
        }

        var target = request.Headers["X-Amz-Target"].ToString();
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), JsonContentType, StringComparison.OrdinalIgnoreCase) || !target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 400, "UnknownOperationException", "Expected application/x-amz-json-1.1 with an X-Amz-Target of AmazonSSM.<Operation>.");
            return;
        }

        JsonObject input;
        try
        {
            input = JsonNode.Parse(Encoding.UTF8.GetString(body))?.AsObject() ?? [];
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, 400, "SerializationException", "The request body is not valid JSON.");
            return;
        }

        var operation = target[TargetPrefix.Length..];
        if (operation != "GetParametersByPath")
        {
            await WriteErrorAsync(context, 400, "UnknownOperationException", $"Operation {operation} is not supported by this endpoint.");
            return;
        }

        try
        {
            var output = GetParametersByPath(input);
            context.Response.StatusCode = 200;
            context.Response.ContentType = JsonContentType;
            await context.Response.WriteAsync(output.ToJsonString(), context.RequestAborted);
        }
        catch (SsmFault fault)
        {
            await WriteErrorAsync(context, 400, fault.Type, fault.Message);
        }
    }

    private JsonObject GetParametersByPath(JsonObject input)
    {
        var path = input["Path"]?.GetValue<string>() ?? throw new SsmFault("ValidationException", "1 validation error detected: Value null at 'path' failed to satisfy constraint: Member must not be null");
        if (!path.StartsWith('/'))
        {
            throw new SsmFault("ValidationException", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".");
        }

        var recursive = input["Recursive"]?.GetValue<bool>() ?? false;
        var decrypt = input["WithDecryption"]?.GetValue<bool>() ?? false;
        var maxResults = input["MaxResults"]?.GetValue<int>() ?? 10;
        if (maxResults is < 1 or > 10)
        {
            throw new SsmFault("ValidationException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10");
        }

        var start = 0;
        if (input["NextToken"]?.GetValue<string>() is { } token)
        {
            if (!TryReadToken(token, path, out start))
            {
                throw new SsmFault("ValidationException", "The specified token is not valid.");
            }
        }

        var root = path.EndsWith('/') ? path : path + "/";
        List<FakeParameter> matching;
        lock (_gate)
        {
            _requests.Add(new FakeSsmRequest(path, recursive, decrypt, maxResults, input["NextToken"]?.GetValue<string>()));
            matching = [.. _parameters.Values.Where(p => p.Name.StartsWith(root, StringComparison.Ordinal) && (recursive || !p.Name[root.Length..].Contains('/')))];
        }

        var page = matching.Skip(start).Take(maxResults).ToList();
        var output = new JsonObject
        {
            ["Parameters"] = new JsonArray([.. page.Select(p => (JsonNode)new JsonObject
            {
                ["Name"] = p.Name,
                ["Type"] = p.Type,
                ["Value"] = p.Type == "SecureString" && !decrypt ? Convert.ToBase64String(Encoding.UTF8.GetBytes("kms-ciphertext:" + p.Name)) : p.Value,
                ["Version"] = p.Version,
                ["LastModifiedDate"] = 1_764_000_000.0,
                ["ARN"] = $"arn:aws:ssm:{TestAwsKeys.Region}:000000000000:parameter{p.Name}",
                ["DataType"] = "text",
            })]),
        };
        if (start + page.Count < matching.Count)
        {
            output["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{path}\n{(start + page.Count).ToString(CultureInfo.InvariantCulture)}"));
        }

        return output;
    }

    private static bool TryReadToken(string token, string path, out int start)
    {
        start = 0;
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
            return parts.Length == 2 && parts[0] == path && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out start);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString());
    }

    private sealed record FakeParameter(string Name, string Type, string Value, long Version);

    private sealed class SsmFault(string type, string message) : Exception(message)
    {
        public string Type { get; } = type;
    }
}

/// <summary>One <c>GetParametersByPath</c> call as the fake received it.</summary>
public sealed record FakeSsmRequest(string Path, bool Recursive, bool WithDecryption, int MaxResults, string? NextToken);
