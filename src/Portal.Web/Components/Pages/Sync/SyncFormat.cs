using System.Globalization;

namespace Portal.Web.Components.Pages.Sync;

/// <summary>How the ops pages print durations and counts (invariant culture).</summary>
internal static class SyncFormat
{
    public static string Duration(TimeSpan? value) => value switch
    {
        null => "–",
        { TotalSeconds: < 1 } v => $"{v.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        { TotalMinutes: < 1 } v => $"{v.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } v => $"{v.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture)} min",
        { } v => $"{v.TotalHours.ToString("0.0", CultureInfo.InvariantCulture)} h",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
