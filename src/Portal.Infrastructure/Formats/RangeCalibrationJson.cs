using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Pricing.Engine;

namespace Portal.Infrastructure.Formats;

/// <summary>A calibration as the stores keep it: JSON, with the first band's open lower bound written as <c>"-Infinity"</c>.</summary>
internal static class RangeCalibrationJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Write(RangeCalibration calibration) => JsonSerializer.Serialize(calibration, Options);

    public static RangeCalibration Read(string json) =>
        JsonSerializer.Deserialize<RangeCalibration>(json, Options) is { Bands.Count: > 0 } calibration
            ? calibration
            : throw new InvalidDataException("A stored range calibration has no bands.");
}
