using System.Text.Json;

namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>Nova Lite's verdict on the photos, once parsed and validated: photo quality, estimated condition, visible defects.</summary>
public sealed record NovaQualityAnswer(double Score, ItemCondition Condition, IReadOnlyList<string> Defects)
{
    public const int MaxDefects = 8;
    public const int MaxDefectLength = 80;

    /// <summary>
    /// Reads the model's text: the JSON object may be wrapped in prose or a code fence (the outermost <c>{…}</c> is taken), but
    /// its fields must be exact: <c>score</c> a number in [0, 1], <c>condition</c> one of the portal's conditions, <c>defects</c>
    /// an array of strings. Returns null with the reason when the answer is unusable.
    /// </summary>
    public static NovaQualityAnswer? TryParse(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "empty answer";
            return null;
        }

        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            problem = "no JSON object in the answer";
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.AsMemory(start, end - start + 1));
        }
        catch (JsonException)
        {
            problem = "the answer's JSON does not parse";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("score", out var scoreElement) || scoreElement.ValueKind != JsonValueKind.Number || !scoreElement.TryGetDouble(out var score))
            {
                problem = "'score' is missing or not a number";
                return null;
            }

            if (!double.IsFinite(score) || score is < 0 or > 1)
            {
                problem = $"'score' {score.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside 0..1";
                return null;
            }

            if (!root.TryGetProperty("condition", out var conditionElement) || conditionElement.ValueKind != JsonValueKind.String
                || !ItemConditions.TryParse(conditionElement.GetString(), out var condition))
            {
                problem = $"'condition' is not one of {ItemConditions.WireNames}";
                return null;
            }

            var defects = new List<string>();
            if (root.TryGetProperty("defects", out var defectsElement))
            {
                if (defectsElement.ValueKind != JsonValueKind.Array)
                {
                    problem = "'defects' is not an array";
                    return null;
                }

                foreach (var defect in defectsElement.EnumerateArray())
                {
                    if (defect.ValueKind != JsonValueKind.String)
                    {
                        problem = "'defects' holds something other than text";
                        return null;
                    }

                    var value = defect.GetString()!.Trim();
                    if (value.Length > 0 && defects.Count < MaxDefects)
                    {
                        defects.Add(value.Length <= MaxDefectLength ? value : value[..MaxDefectLength] + "…");
                    }
                }
            }
            else
            {
                problem = "'defects' is missing";
                return null;
            }

            return new NovaQualityAnswer(score, condition, defects);
        }
    }
}
