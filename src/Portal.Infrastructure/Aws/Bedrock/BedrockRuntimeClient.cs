using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>
/// Bedrock Runtime's <c>InvokeModel</c> over HTTPS (no SDK package is served): <c>POST /model/{modelId}/invoke</c> with a JSON
/// body, on the named <see cref="HttpClientName"/> client whose handlers retry throttling and 5xx with backoff, bound each
/// attempt and the whole call in time, and sign every attempt with SigV4 (service <c>bedrock</c>). A singleton: it asks the
/// factory for a client per call, so connections follow the factory's handler rotation.
/// </summary>
public sealed class BedrockRuntimeClient(IHttpClientFactory httpClientFactory, IOptions<BedrockOptions> options, ILogger<BedrockRuntimeClient> logger)
{
    public const string HttpClientName = "bedrock-runtime";
    public const string SigningService = "bedrock";

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    /// <summary>
    /// The request path of a model: the id is one escaped segment (<c>amazon.nova-lite-v1%3A0</c>); the signer encodes it once
    /// more in the canonical request (<c>%253A</c>), as Bedrock expects.
    /// </summary>
    public static string InvokePath(string modelId) => $"model/{Uri.EscapeDataString(modelId)}/invoke";

    /// <summary>Calls the model and returns its JSON answer; a refusal or failure throws <see cref="BedrockRuntimeException"/>,
    /// a call over <see cref="BedrockOptions.Timeout"/> a <see cref="TimeoutException"/>.</summary>
    public async Task<JsonDocument> InvokeModelAsync(string modelId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(body);
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(InvokePath(modelId), UriKind.Relative))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(Json);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException($"Bedrock InvokeModel {modelId} did not answer within {options.Value.Timeout} (Aws:Bedrock:Timeout).", ex);
        }

        using (response)
        {
            var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var failure = ToException(modelId, response, payload);
                BedrockLog.InvokeFailed(logger, modelId, failure.StatusCode, failure.ErrorType);
                throw failure;
            }

            try
            {
                return JsonDocument.Parse(payload);
            }
            catch (JsonException ex)
            {
                throw new BedrockRuntimeException(modelId, (int)response.StatusCode, "SerializationException", $"The answer is not JSON: {ex.Message}", RequestId(response));
            }
        }
    }

    /// <summary>AWS's JSON error shape: the code in <c>x-amzn-ErrorType</c> (before any <c>:</c>), the text in <c>message</c>.</summary>
    internal static BedrockRuntimeException ToException(string modelId, HttpResponseMessage response, byte[] payload)
    {
        var status = (int)response.StatusCode;
        string? errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault()?.Split(':')[0] : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String && (property.NameEquals("message") || property.NameEquals("Message")))
                    {
                        message = property.Value.GetString();
                    }
                    else if (errorType is null && property.Value.ValueKind == JsonValueKind.String && (property.NameEquals("__type") || property.NameEquals("code")))
                    {
                        errorType = property.Value.GetString()?.Split('#')[^1];
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not AWS's shape (a proxy's page): the status says enough.
        }

        errorType ??= status switch
        {
            400 => "ValidationException",
            403 => "AccessDeniedException",
            404 => "ResourceNotFoundException",
            408 => "ModelTimeoutException",
            429 => "ThrottlingException",
            503 => "ServiceUnavailableException",
            _ => "InternalServerException",
        };
        return new BedrockRuntimeException(modelId, status, errorType, message ?? response.ReasonPhrase ?? "no message", RequestId(response));
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var values) ? values.FirstOrDefault() : null;
}
