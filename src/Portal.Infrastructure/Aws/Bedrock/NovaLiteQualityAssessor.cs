using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Infrastructure.Formats.Imaging;

namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>
/// Photo quality and the item's visible condition from Nova Lite (InvokeModel with the <c>messages-v1</c> body: the photos as
/// base64 bytes and a prompt asking for strict JSON). The score maps onto the same narrow price-multiplier band as the local
/// assessor. An unusable answer, a timeout (<see cref="BedrockOptions.QualityTimeout"/>) or a failed call falls back to the
/// local assessor, and the assessment says so in its <see cref="QualityAssessment.Assessor"/> and findings, which the price
/// workbench shows in its reasons and its adjustments table.
/// </summary>
public sealed class NovaLiteQualityAssessor(
    BedrockRuntimeClient client,
    LocalQualityAssessor fallback,
    IOptions<BedrockOptions> options,
    ILogger<NovaLiteQualityAssessor> logger) : IQualityAssessor
{
    public const string SystemPrompt =
        "You judge product photos for a second-hand marketplace. Reply with one JSON object and nothing else: no prose, no code fence.";

    public static readonly string UserPrompt =
        "Judge these photos of one item. Reply with STRICT JSON exactly of the form " +
        "{\"score\": <number from 0 to 1: how well the photos sell the item (sharpness, light, framing, background)>, " +
        $"\"condition\": <the item's visible condition, one of \"{string.Join("\", \"", ItemConditions.All.Select(c => c.ToWireName()))}\">, " +
        "\"defects\": [<short phrases naming visible defects of the item or the photos; [] when none>]}.";

    public string AssessorName => $"Nova Lite ({options.Value.QualityModelId})";

    public async Task<QualityAssessment> AssessAsync(IReadOnlyList<ImageUpload> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            return await fallback.AssessAsync(images, cancellationToken);
        }

        var settings = options.Value;
        string reason;
        Exception? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.QualityTimeout);
        try
        {
            using var answer = await client.InvokeModelAsync(settings.QualityModelId, RequestBody(images, settings), timeout.Token);
            var text = AnswerText(answer.RootElement);
            if (NovaQualityAnswer.TryParse(text, out var problem) is { } parsed)
            {
                return ToAssessment(parsed);
            }

            reason = $"gave an unusable answer ({problem})";
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            (reason, error) = ("timed out", ex);
        }
        catch (TimeoutException ex)
        {
            (reason, error) = ("timed out", ex);
        }
        catch (BedrockRuntimeException ex)
        {
            (reason, error) = ($"failed ({ex.ErrorType})", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException)
        {
            (reason, error) = ("was unreachable", ex);
        }
        catch (InvalidDataException ex)
        {
            (reason, error) = ("could not read the photos", ex);
        }

        BedrockLog.QualityFallback(logger, reason, error);
        var local = await fallback.AssessAsync(images, cancellationToken);
        var note = $"Nova Lite {reason}";
        return local with
        {
            Assessor = $"{local.Assessor} (fallback: {note})",
            Findings = [.. local.Findings, $"{note}; local assessment used"],
        };
    }

    private QualityAssessment ToAssessment(NovaQualityAnswer answer)
    {
        var score = Math.Round(answer.Score, 4);
        IReadOnlyList<string> findings = [$"condition estimate: {answer.Condition.ToWireName()}", .. answer.Defects];
        return new QualityAssessment(score, LocalQualityAssessor.ToMultiplier(score), findings, AssessorName);
    }

    internal static JsonObject RequestBody(IReadOnlyList<ImageUpload> images, BedrockOptions settings)
    {
        var content = new JsonArray();
        foreach (var image in images)
        {
            var prepared = BedrockImage.Prepare(image.Content, settings.MaxImageSide, settings.MaxImageBytes);
            content.Add(new JsonObject
            {
                ["image"] = new JsonObject
                {
                    ["format"] = prepared.Format,
                    ["source"] = new JsonObject { ["bytes"] = Convert.ToBase64String(prepared.Bytes) },
                },
            });
        }

        content.Add(new JsonObject { ["text"] = UserPrompt });
        return new JsonObject
        {
            ["schemaVersion"] = "messages-v1",
            ["system"] = new JsonArray(new JsonObject { ["text"] = SystemPrompt }),
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            ["inferenceConfig"] = new JsonObject { ["maxTokens"] = 300, ["temperature"] = 0, ["topP"] = 0.9 },
        };
    }

    /// <summary>The assistant's text: <c>output.message.content[*].text</c> joined; null when the answer has none.</summary>
    internal static string? AnswerText(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Object
            || !output.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var texts = content.EnumerateArray()
            .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(part => part.GetProperty("text").GetString())
            .ToList();
        return texts.Count == 0 ? null : string.Concat(texts);
    }
}
