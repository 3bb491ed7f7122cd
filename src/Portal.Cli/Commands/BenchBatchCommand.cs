using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench batch --url URL [--photos 500] [--dataset DIR] [--analysts 1] [--dev-user NAME | --token JWT]</c>: uploads
/// a batch of real photos (a data set laid out as <c>manifest.csv</c> with <c>image,label,split</c>; the label is the
/// category) to a running portal as CSV + zip, polls its status every 250 ms, and meanwhile has <c>--analysts</c> other
/// analysts price one new photo after another through <c>/api/pricing/calculate</c>. Prints the batch's time, the longest
/// wait between two progress updates and the analysts' Suggest latencies, against the floors (≤ 45 s, ≤ 2 s, p95 ≤ 1.5 s).
/// </summary>
internal static class BenchBatchCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(CliArguments arguments, CancellationToken cancellationToken)
    {
        arguments.AllowOnly("url", "photos", "dataset", "analysts", "token", "dev-user");
        var url = arguments.Require("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--url must be an absolute http(s) URL, not '{url}'.");
        }

        var count = arguments.GetInt("photos", 500);
        var analysts = arguments.GetInt("analysts", 1);
        if (analysts > 16)
        {
            throw new CliUsageException("--analysts must be from 1 to 16.");
        }

        var dataset = arguments.Get("dataset") ?? Path.Combine("..", "shared", "datasets", "clothing-small");
        var photos = ReadDataset(dataset);
        if (photos.Count < count + 20 * analysts)
        {
            throw new CliUsageException($"{dataset} holds {photos.Count} photos; --photos {count} and {analysts} analyst(s) need {count + 20 * analysts}.");
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        if (arguments.Get("token") is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (arguments.Get("dev-user") is { } user)
        {
            http.DefaultRequestHeaders.Add("Cookie", "portal.dev-user=" + Uri.EscapeDataString(user));
        }

        var report = await RunBenchAsync(http, photos.Take(count).ToList(), photos.Skip(count).ToList(), analysts, cancellationToken);
        Console.WriteLine(report.Describe());
        return report.FloorMet ? 0 : 1;
    }

    /// <summary>The data set's photos, photos of the held-out splits first (the demo tenant ships photos of <c>train</c>).</summary>
    private static List<(string Path, string Category)> ReadDataset(string root)
    {
        var manifest = Path.Combine(root, "manifest.csv");
        if (!File.Exists(manifest))
        {
            throw new FileNotFoundException($"No manifest.csv in {root} (give --dataset).", manifest);
        }

        return
        [
            .. File.ReadLines(manifest).Skip(1)
                .Select(line => line.Split(','))
                .Where(f => f.Length >= 3)
                .OrderBy(f => f[2] == "train" ? 1 : 0)
                .ThenBy(f => f[0], StringComparer.Ordinal)
                .Select(f => (Path.Combine(root, f[0]), f[1])),
        ];
    }

    private static async Task<BatchBenchReport> RunBenchAsync(
        HttpClient http, List<(string Path, string Category)> batch, List<(string Path, string Category)> suggestPhotos, int analysts, CancellationToken cancellationToken)
    {
        var (csv, zip) = Build(batch);
        using var stopAnalysts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var suggests = new SuggestLatencies();
        var analystRuns = Enumerable.Range(0, analysts)
            .Select(a => Task.Run(() => AnalystAsync(http, suggestPhotos, a, analysts, suggests, stopAnalysts.Token), CancellationToken.None))
            .ToList();
        try
        {
            var total = Stopwatch.StartNew();
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "csv", "bench.csv" },
                { new ByteArrayContent(zip) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }, "zip", "bench.zip" },
            };
            using var submitted = await http.PostAsync("/api/pricing/batches", form, cancellationToken);
            if ((int)submitted.StatusCode != 202)
            {
                throw new InvalidOperationException($"The upload answered {(int)submitted.StatusCode}: {await submitted.Content.ReadAsStringAsync(cancellationToken)}");
            }

            var uploaded = total.Elapsed;
            var status = submitted.Headers.Location ?? throw new InvalidOperationException("The upload answered 202 without a Location.");
            var (counts, longestGap) = await FollowAsync(http, status, total, cancellationToken);
            var elapsed = total.Elapsed;
            await stopAnalysts.CancelAsync();
            await Task.WhenAll(analystRuns);
            var (answered, failures, p50, p95, max) = suggests.Summary();
            return new BatchBenchReport(
                batch.Count, zip.Length, uploaded, elapsed, longestGap,
                counts.GetProperty("priced").GetInt32(), counts.GetProperty("cannotPrice").GetInt32(), counts.GetProperty("invalid").GetInt32(),
                analysts, answered, failures, p50, p95, max);
        }
        finally
        {
            await stopAnalysts.CancelAsync();
        }
    }

    /// <summary>Polls the status until completed; the counts at the end and the longest time the progress stood still.</summary>
    private static async Task<(JsonElement Counts, TimeSpan LongestGap)> FollowAsync(HttpClient http, Uri status, Stopwatch clock, CancellationToken cancellationToken)
    {
        var lastDone = -1;
        var lastChange = clock.Elapsed;
        var longestGap = TimeSpan.Zero;
        while (true)
        {
            var body = await http.GetFromJsonAsync<JsonElement>(status, cancellationToken);
            var counts = body.GetProperty("counts");
            var done = counts.GetProperty("done").GetInt32();
            if (done != lastDone)
            {
                longestGap = TimeSpan.FromTicks(Math.Max(longestGap.Ticks, (clock.Elapsed - lastChange).Ticks));
                lastChange = clock.Elapsed;
                lastDone = done;
            }

            if (body.GetProperty("status").GetString() == "completed")
            {
                return (counts, longestGap);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>One other analyst: a new photo priced, a look at the answer, the next photo.</summary>
    private static async Task AnalystAsync(
        HttpClient http, List<(string Path, string Category)> photos, int first, int step, SuggestLatencies latencies, CancellationToken stop)
    {
        for (var i = first; !stop.IsCancellationRequested; i += step)
        {
            var (path, category) = photos[i % photos.Count];
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await http.PostAsync("/api/pricing/calculate", SuggestForm(path, category), stop);
                latencies.Add(watch.Elapsed.TotalMilliseconds, response.IsSuccessStatusCode || (int)response.StatusCode == 422);
                await Task.Delay(TimeSpan.FromMilliseconds(300), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private sealed class SuggestLatencies
    {
        private readonly List<double> _milliseconds = [];
        private int _failures;

        public void Add(double milliseconds, bool answered)
        {
            lock (_milliseconds)
            {
                _milliseconds.Add(milliseconds);
                _failures += answered ? 0 : 1;
            }
        }

        public (int Answered, int Failures, double P50, double P95, double Max) Summary()
        {
            lock (_milliseconds)
            {
                double[] sorted = [.. _milliseconds.Order()];
                return (sorted.Length, _failures, Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted.LastOrDefault());
            }
        }
    }

    private static (string Csv, byte[] Zip) Build(List<(string Path, string Category)> photos)
    {
        var csv = new StringBuilder("image,category,condition,brand,title\n");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, category) in photos)
            {
                var name = $"{category}/{Path.GetFileName(path)}";
                zip.CreateEntryFromFile(path, name, CompressionLevel.NoCompression);
                csv.Append(CultureInfo.InvariantCulture, $"{name},{category},good,,\n");
            }
        }

        return (csv.ToString(), buffer.ToArray());
    }

    private static MultipartFormDataContent SuggestForm(string path, string category) => new()
    {
        { new ByteArrayContent(File.ReadAllBytes(path)) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "images", Path.GetFileName(path) },
        { new StringContent(category), "category" },
        { new StringContent("good"), "condition" },
    };

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

/// <summary>One run's figures and the floors they are held to.</summary>
internal sealed record BatchBenchReport(
    int Photos, long ZipBytes, TimeSpan Upload, TimeSpan Elapsed, TimeSpan LongestProgressGap, int Priced, int CannotPrice, int Invalid,
    int Analysts, int Suggests, int SuggestFailures, double SuggestP50Ms, double SuggestP95Ms, double SuggestMaxMs)
{
    public bool FloorMet => Elapsed <= TimeSpan.FromSeconds(45) && LongestProgressGap <= TimeSpan.FromSeconds(2) && SuggestP95Ms <= 1500 && SuggestFailures == 0;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"batch: {Photos} photos ({ZipBytes / 1e6:0.0} MB zip), upload {Upload.TotalSeconds:0.0} s, completed in {Elapsed.TotalSeconds:0.0} s " +
        $"= {Photos / Elapsed.TotalSeconds:0.0} photos/s (priced {Priced}, cannot price {CannotPrice}, invalid {Invalid}); " +
        $"longest wait between progress updates {LongestProgressGap.TotalSeconds:0.00} s\n" +
        $"suggest meanwhile ({Analysts} analyst(s)): {Suggests} requests, p50 {SuggestP50Ms:0} ms, p95 {SuggestP95Ms:0} ms, max {SuggestMaxMs:0} ms, failures {SuggestFailures}\n" +
        $"floors (≤ 45 s, progress ≤ 2 s, Suggest p95 ≤ 1500 ms): {(FloorMet ? "met" : "NOT met")}");
}
