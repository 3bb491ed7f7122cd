using System.Globalization;

namespace Portal.Web.Components.Pages.Trends;

/// <summary>ApexCharts options for the trend panels, built from the analytics rows (plain data, serialised by ApexChart).</summary>
public static class TrendCharts
{
    /// <summary>Ten distinct colours (ApexCharts' default palette repeats after five, so six categories would share one).</summary>
    public static readonly string[] Palette =
        ["#1E88E5", "#43A047", "#FB8C00", "#E53935", "#8E24AA", "#00ACC1", "#6D4C41", "#C0CA33", "#D81B60", "#546E7A"];

    /// <summary>Average price per category as lines, one point per month of the range ("yyyy-MM" labels).</summary>
    public static object MonthlyAveragePrice(IReadOnlyList<MonthlyTrendRow> rows)
    {
        var (months, categories) = Axes(rows);
        var byKey = rows.ToDictionary(r => (Label(r), r.Category));
        return new
        {
            chart = new { type = "line", toolbar = new { show = false }, zoom = new { enabled = false } },
            colors = Palette,
            stroke = new { width = 2, curve = "smooth" },
            series = categories.Select(c => new
            {
                name = c,
                data = months.Select(m => byKey.TryGetValue((m, c), out var r) ? Math.Round(r.AvgPrice, 2) : (double?)null).ToArray(),
            }).ToArray(),
            xaxis = new { categories = months },
            yaxis = new { title = new { text = "Average price" } },
            legend = new { position = "top" },
        };
    }

    /// <summary>Sales count per month, stacked by category.</summary>
    public static object MonthlySalesCount(IReadOnlyList<MonthlyTrendRow> rows)
    {
        var (months, categories) = Axes(rows);
        var byKey = rows.ToDictionary(r => (Label(r), r.Category));
        return new
        {
            chart = new { type = "bar", stacked = true, toolbar = new { show = false } },
            colors = Palette,
            series = categories.Select(c => new
            {
                name = c,
                data = months.Select(m => byKey.TryGetValue((m, c), out var r) ? r.SaleCount : 0).ToArray(),
            }).ToArray(),
            xaxis = new { categories = months },
            yaxis = new { title = new { text = "Sales" } },
            dataLabels = new { enabled = false },
            legend = new { show = false },
        };
    }

    /// <summary>Seasonal index by quarter, one bar group per quarter and a bar per category; 1.0 is the category's average.</summary>
    public static object SeasonalIndex(IReadOnlyList<SeasonalIndexRow> rows)
    {
        var seasons = rows.Select(r => r.Season).Distinct().Order(StringComparer.Ordinal).ToArray();
        var categories = rows.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal).ToArray();
        var byKey = rows.ToDictionary(r => (r.Season, r.Category));
        return new
        {
            chart = new { type = "bar", toolbar = new { show = false } },
            colors = Palette,
            series = categories.Select(c => new
            {
                name = c,
                data = seasons.Select(s => byKey.TryGetValue((s, c), out var r) ? Math.Round(r.Index, 3) : (double?)null).ToArray(),
            }).ToArray(),
            xaxis = new { categories = seasons },
            yaxis = new { title = new { text = "Index (1 = category average)" } },
            annotations = new { yaxis = new[] { new { y = 1, borderColor = "#757575", strokeDashArray = 4 } } },
            dataLabels = new { enabled = false },
            legend = new { position = "top" },
        };
    }

    /// <summary>Average and median price per brand (the table beside it has the counts).</summary>
    public static object BrandPerformance(IReadOnlyList<BrandPerformanceRow> rows) => new
    {
        chart = new { type = "bar", toolbar = new { show = false } },
        plotOptions = new { bar = new { horizontal = true } },
        series = new object[]
        {
            new { name = "Average", data = rows.Select(r => Math.Round(r.AvgPrice, 2)).ToArray() },
            new { name = "Median", data = rows.Select(r => Math.Round(r.MedianPrice, 2)).ToArray() },
        },
        xaxis = new { categories = rows.Select(r => r.Brand).ToArray() },
        dataLabels = new { enabled = false },
        legend = new { position = "top" },
    };

    /// <summary>The price distribution: one column per bin, labelled with its range.</summary>
    public static object Histogram(IReadOnlyList<PriceHistogramBin> bins) => new
    {
        chart = new { type = "bar", toolbar = new { show = false } },
        plotOptions = new { bar = new { columnWidth = "95%" } },
        series = new[] { new { name = "Sales", data = bins.Select(b => b.Count).ToArray() } },
        xaxis = new { categories = bins.Select(BinLabel).ToArray(), labels = new { rotate = -45 } },
        yaxis = new { title = new { text = "Sales" } },
        dataLabels = new { enabled = false },
    };

    public static string BinLabel(PriceHistogramBin bin) =>
        string.Create(CultureInfo.InvariantCulture, $"{bin.From:0}–{bin.To:0}");

    private static string Label(MonthlyTrendRow row) => string.Create(CultureInfo.InvariantCulture, $"{row.Year:0000}-{row.Month:00}");

    private static (string[] Months, string[] Categories) Axes(IReadOnlyList<MonthlyTrendRow> rows) =>
        (rows.Select(Label).Distinct().Order(StringComparer.Ordinal).ToArray(),
         rows.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal).ToArray());
}
