using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Cli;

/// <summary><c>portal eval</c> as a user runs it: a real process over a manifest of real photos, dated long before today.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AManifestOfOldDatedSalesIsPricedAsOfEachItemsDateWithTheExpertBaseline()
    {
        // Two categories, 24 photos each, sold monthly in 2012–2013: all far past the store's two-year retention today.
        var manifest = new StringBuilder("image,category,brand,title,price,currency,date,estimate\n");
        var start = new DateTimeOffset(2012, 1, 15, 0, 0, 0, TimeSpan.Zero);
        var photos = DemoPhotos.All.GroupBy(p => p.Category).Where(g => g.Key is "shoes" or "hat").SelectMany(g => g.Take(24)).ToList();
        for (var i = 0; i < photos.Count; i++)
        {
            var photo = photos[i];
            await File.WriteAllBytesAsync(Path.Combine(_folder.Path, photo.File), DemoPhotos.Read(photo.File));
            var price = (photo.Category == "shoes" ? 80 : 20) + i % 7;
            manifest.Append(CultureInfo.InvariantCulture, $"{photo.File},{photo.Category},Brand{i % 3},Item {i},{price},EUR,{start.AddMonths(i % 24):yyyy-MM-dd},{price * 1.2}\n");
        }

        var path = Path.Combine(_folder.Path, "manifest.csv");
        await File.WriteAllTextAsync(path, manifest.ToString());

        var (exit, output, error) = await RunPortalAsync("eval", "--manifest", path, "--protocol", "time", "--json");

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var json = JsonDocument.Parse(output);
        var report = json.RootElement;
        Assert.Equal("time", report.GetProperty("protocol").GetString());
        // Every month but the first has earlier sales to price from: none was cut by retention.
        Assert.True(report.GetProperty("n").GetInt32() >= 40, output);
        Assert.Equal(0.2, report.GetProperty("baselines").GetProperty("expert").GetProperty("mdape").GetDouble(), 3);
        Assert.True(report.GetProperty("metrics").GetProperty("mdape").GetDouble() < report.GetProperty("baselines").GetProperty("categoryMedian").GetProperty("mdape").GetDouble() + 0.5);
    }

    [Theory]
    [InlineData("--sweep", "k=0", "--k 0 is out of range")]
    [InlineData("--sweep", "brand=abc", "--brand 'abc' is not a number")]
    [InlineData("--sweep", "colour=1", "not a setting")]
    [InlineData("--sweep", "k", "is not name=value")]
    [InlineData("--sweep", "level-shrinkage=-1", "--level-shrinkage -1 is out of range")]
    [InlineData("--sweep", "bands=0", "--bands 0 is out of range")]
    [InlineData("--sweep", "estimator=mode", "estimator 'mode': use median, mean or geomean")]
    [InlineData("--estimator", "mode", "--estimator must be median, mean or geomean")]
    [InlineData("--learned", "maybe", "--learned 'maybe': use on, off or both")]
    [InlineData("--protocol", "future", "Unknown protocol 'future'")]
    [InlineData("--as-of", "yesterday-ish", "is not a date")]
    public async Task BadSettingsAreRefusedByNameBeforeAnythingIsImported(string option, string value, string message)
    {
        var manifest = Path.Combine(_folder.Path, "manifest.csv");
        await File.WriteAllTextAsync(manifest, "image,category,price\nmissing.jpg,shoes,10\n");
        var data = Path.Combine(_folder.Path, "data");

        var (exit, _, error) = await RunPortalAsync("eval", "--manifest", manifest, "--data-dir", data, option, value);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        var images = Path.Combine(data, "images");
        Assert.False(Directory.Exists(images) && Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Any());
    }

    private static async Task<(int Exit, string Output, string Error)> RunPortalAsync(params string[] args)
    {
        // From the tool's own output folder: its deps, runtime configuration and appsettings.json.
        var cli = typeof(EvalCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PortalCliPath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(cli)! };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
