using Portal.Core.Pricing.Engine;

namespace Portal.Infrastructure.Formats;

/// <summary>How a decision's verdict is stored: its level as the API's lower-case word, beside its sentence.</summary>
internal static class VerdictNames
{
    public static string? ToName(VerdictLevel? level) => level switch
    {
        VerdictLevel.Strong => "strong",
        VerdictLevel.Weak => "weak",
        VerdictLevel.None => "none",
        null => null,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown verdict level."),
    };

    /// <summary>
    /// Null when no level is stored (a decision from before verdicts were kept) or the level is one this version does not
    /// know: nothing is guessed for it.
    /// </summary>
    public static Verdict? Read(string? level, string? sentence) => level switch
    {
        "strong" => new Verdict(VerdictLevel.Strong, sentence ?? string.Empty),
        "weak" => new Verdict(VerdictLevel.Weak, sentence ?? string.Empty),
        "none" => new Verdict(VerdictLevel.None, sentence ?? string.Empty),
        _ => null,
    };
}
