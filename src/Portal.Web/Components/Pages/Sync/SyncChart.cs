using System.Globalization;
using Portal.Core.Sync;

namespace Portal.Web.Components.Pages.Sync;

/// <summary>The events-per-minute chart: one stacked bar per minute of the snapshot, one series per outcome.</summary>
internal static class SyncChart
{
    public static readonly string[] SeriesNames = ["Accepted", "Duplicate", "Parked", "Rejected", "Failed"];

    public static object Options(IReadOnlyList<SyncMinute> minutes) => new
    {
        chart = new { type = "bar", stacked = true, height = 260, toolbar = new { show = false }, animations = new { enabled = false } },
        series = new[]
        {
            new { name = SeriesNames[0], data = minutes.Select(m => m.Accepted).ToArray() },
            new { name = SeriesNames[1], data = minutes.Select(m => m.Duplicate).ToArray() },
            new { name = SeriesNames[2], data = minutes.Select(m => m.Parked).ToArray() },
            new { name = SeriesNames[3], data = minutes.Select(m => m.Rejected).ToArray() },
            new { name = SeriesNames[4], data = minutes.Select(m => m.Failed).ToArray() },
        },
        colors = new[] { "#2e7d32", "#607d8b", "#f9a825", "#c62828", "#6a1b9a" },
        xaxis = new
        {
            categories = minutes.Select(m => m.Minute.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)).ToArray(),
            tickAmount = 12,
            title = new { text = "minute (UTC)" },
        },
        yaxis = new { title = new { text = "events" }, forceNiceScale = true },
        dataLabels = new { enabled = false },
        legend = new { position = "top" },
        plotOptions = new { bar = new { columnWidth = "90%" } },
    };
}
