using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Infrastructure.Demo;
using SkiaSharp;

namespace Portal.Cli.Commands;

/// <summary>The load runs of <c>portal bench http</c> against the portal behind <paramref name="http"/> (its base address).</summary>
public sealed class HttpBench(HttpClient http, HttpBenchSettings settings, TextWriter output, TimeProvider time)
{
    /// <summary>The floor at 32 (or the highest level run): new-photo pricing keeps p99 ≤ 2 s with no 5xx.</summary>
    public static readonly TimeSpan NewPhotoP99Floor = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan HealthLimit = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HealthInterval = TimeSpan.FromMilliseconds(250);

    private int _photoCounter;

    public async Task<HttpBenchReport> RunAsync(CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"portal bench http: {settings.BaseAddress} — {settings.Duration.TotalSeconds:0} s per run, concurrency {string.Join(", ", settings.Concurrency)}, {Environment.ProcessorCount} cores here"));
        var cached = DemoPhotos.All.First(p => p.Category == "shoes");
        var cachedPhoto = DemoPhotos.Read(cached.File);
        using (var warm = PricingForm(cachedPhoto, cached.Category))
        using (var response = await http.PostAsync("api/pricing/calculate", warm, cancellationToken))
        {
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity))
            {
                throw new InvalidOperationException($"The portal does not price: {(int)response.StatusCode} {response.ReasonPhrase} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        var runs = new List<HttpBenchRun>();
        foreach (var level in settings.Concurrency)
        {
            var photos = NewPhotos(level);
            runs.Add(await RunOneAsync("pricing, new photo", level, async token =>
            {
                var (bytes, category) = photos.Next();
                using var form = PricingForm(bytes, category);
                return (await http.PostAsync("api/pricing/calculate", form, token), 1);
            }, cancellationToken));
            runs.Add(await RunOneAsync("pricing, cached photo", level, async token =>
            {
                using var form = PricingForm(cachedPhoto, cached.Category);
                return (await http.PostAsync("api/pricing/calculate", form, token), 1);
            }, cancellationToken));
            runs.Add(await RunOneAsync($"events, batches of {settings.EventBatch}", level, async token =>
            {
                using var content = new StringContent(EventBatch(), Encoding.UTF8, "application/json");
                var response = await http.PostAsync("api/events", content, token);
                return (response, response.StatusCode == HttpStatusCode.Accepted ? await CountTakenAsync(response, token) : 0);
            }, cancellationToken));
        }

        var top = runs.Where(r => r.Name == "pricing, new photo").MaxBy(r => r.Concurrency)!;
        var floorMet = top.P99Ms <= NewPhotoP99Floor.TotalMilliseconds && top.ServerErrors == 0;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"floor (new photo at {top.Concurrency} clients: p99 ≤ {NewPhotoP99Floor.TotalMilliseconds:0} ms, no 5xx): {(floorMet ? "met" : "NOT met")} — p99 {top.P99Ms:0} ms, {top.ServerErrors} 5xx, {top.Shed} shed with 429"));
        return new HttpBenchReport(runs, floorMet);
    }

    private async Task<HttpBenchRun> RunOneAsync(string name, int concurrency, Func<CancellationToken, Task<(HttpResponseMessage Response, int Units)>> send, CancellationToken cancellationToken)
    {
        var tally = new RunTally();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var health = ProbeHealthAsync(stop.Token);
        var started = time.GetTimestamp();
        var deadline = started + (long)(settings.Duration.TotalSeconds * time.TimestampFrequency);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => SendUntilAsync(deadline, send, tally, cancellationToken), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(workers);
        var elapsedTotal = time.GetElapsedTime(started);
        await stop.CancelAsync();
        var (healthMax, healthBad) = await health;

        var run = tally.ToRun(name, concurrency, elapsedTotal, healthMax, healthBad);
        var unit = name.StartsWith("events", StringComparison.Ordinal) ? "events" : "priced";
        var errorText = run.Errors.Count == 0 ? "none" : string.Join(", ", run.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}×{e.Value}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name}, {concurrency} clients: {run.Units} {unit} in {elapsedTotal.TotalSeconds:0.0} s = {run.UnitsPerSecond:0.0}/s; latency p50 {run.P50Ms:0} ms, p95 {run.P95Ms:0} ms, p99 {run.P99Ms:0} ms; shed 429: {run.Shed} ({run.ShedWithRetryAfter} with Retry-After); errors: {errorText}; /health/ready max {healthMax:0} ms, {(healthBad == 0 ? "always under 1 s" : $"{healthBad} probes slow or failed")}"));
        return run;
    }

    /// <summary>One client: sends one request after another until the run's deadline, each answer counted in <paramref name="tally"/>.</summary>
    private async Task SendUntilAsync(long deadline, Func<CancellationToken, Task<(HttpResponseMessage Response, int Units)>> send, RunTally tally, CancellationToken cancellationToken)
    {
        while (time.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            var sent = time.GetTimestamp();
            try
            {
                var (response, count) = await send(cancellationToken);
                using (response)
                {
                    // Drain the body: the answer is only complete when it has arrived.
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    tally.Answer(response, time.GetElapsedTime(sent).TotalMilliseconds, count);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                tally.Error(ex is TaskCanceledException ? "timeout" : "connection");
            }
        }
    }

    /// <summary>Probes readiness every 250 ms until stopped: the slowest answer and how many took 1 s or more or were not 200.</summary>
    private async Task<(double MaxMs, int Bad)> ProbeHealthAsync(CancellationToken stop)
    {
        double max = 0;
        var bad = 0;
        while (!stop.IsCancellationRequested)
        {
            var sent = time.GetTimestamp();
            try
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(stop);
                probe.CancelAfter(TimeSpan.FromSeconds(10));
                using var response = await http.GetAsync("health/ready", probe.Token);
                await response.Content.ReadAsByteArrayAsync(probe.Token);
                var elapsed = time.GetElapsedTime(sent);
                max = Math.Max(max, elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK || elapsed >= HealthLimit)
                {
                    bad++;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                bad++;
                max = Math.Max(max, time.GetElapsedTime(sent).TotalMilliseconds);
            }

            try
            {
                await Task.Delay(HealthInterval, time, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (max, bad);
    }

    /// <summary>
    /// New photos for a run, made before it starts so the client's own work stays out of the timings: the demo's real photos,
    /// each with a few pixels changed per copy, so every request is a photo the portal has never embedded.
    /// </summary>
    private PhotoPool NewPhotos(int concurrency)
    {
        // Enough for about 60 priced photos per second; past that, copies come round again (and say so by hitting the cache).
        var count = (int)Math.Min(6000, Math.Max(concurrency * 4, settings.Duration.TotalSeconds * 60));
        var sources = DemoPhotos.All;
        var photos = new (byte[] Bytes, string Category)[count];
        Parallel.For(0, count, i =>
        {
            var serial = Interlocked.Increment(ref _photoCounter);
            var source = sources[serial % sources.Count];
            photos[i] = (Vary(DemoPhotos.Read(source.File), serial), source.Category);
        });
        return new PhotoPool(photos);
    }

    private static byte[] Vary(byte[] jpeg, int serial)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        var random = new Random(serial);
        for (var i = 0; i < 16; i++)
        {
            bitmap.SetPixel(random.Next(bitmap.Width), random.Next(bitmap.Height), new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 92);
        return data.ToArray();
    }

    private static MultipartFormDataContent PricingForm(byte[] photo, string category)
    {
        var image = new ByteArrayContent(photo);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent
        {
            { image, "images", "photo.jpg" },
            { new StringContent(category), "category" },
            { new StringContent("very_good"), "condition" },
        };
    }

    /// <summary>A batch of <c>product.listed</c> events for products nobody else uses: each is new, none moves a sale.</summary>
    private string EventBatch()
    {
        var now = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var batch = new JsonArray();
        for (var i = 0; i < settings.EventBatch; i++)
        {
            batch.Add(new JsonObject
            {
                ["version"] = "0",
                ["id"] = Guid.NewGuid().ToString(),
                ["detail-type"] = "product.listed",
                ["source"] = "carousel.products",
                ["time"] = now,
                ["resources"] = new JsonArray(),
                ["detail"] = new JsonObject
                {
                    ["tenantId"] = settings.Tenant,
                    ["productId"] = "bench-" + Guid.NewGuid().ToString("N"),
                    ["category"] = "shoes",
                    ["brand"] = "Nordvik",
                    ["condition"] = "very_good",
                    ["title"] = "Bench listing",
                    ["askingPrice"] = 10.00m,
                    ["currency"] = "EUR",
                },
            });
        }

        return batch.ToJsonString();
    }

    /// <summary>Events of a 202 answer the portal took (accepted, or a duplicate of one it has).</summary>
    private static async Task<int> CountTakenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body?["events"] is JsonArray outcomes
            ? outcomes.Count(o => o?["status"]?.GetValue<string>() is "accepted" or "duplicate")
            : 0;
    }

    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>One run's answers, counted by all its clients at once.</summary>
    private sealed class RunTally
    {
        private readonly ConcurrentBag<double> _latencies = [];
        private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
        private int _answered;
        private int _units;
        private int _shed;
        private int _shedWithRetryAfter;

        public void Answer(HttpResponseMessage response, double elapsedMs, int units)
        {
            var status = (int)response.StatusCode;
            if (status == 429)
            {
                Interlocked.Increment(ref _shed);
                if (response.Headers.RetryAfter is not null)
                {
                    Interlocked.Increment(ref _shedWithRetryAfter);
                }
            }
            else if (status is 200 or 202 or 422)
            {
                // 422 "cannot price" is an answer, not a failure.
                _latencies.Add(elapsedMs);
                Interlocked.Increment(ref _answered);
                Interlocked.Add(ref _units, units);
            }
            else
            {
                Error(status.ToString(CultureInfo.InvariantCulture));
            }
        }

        public void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

        public HttpBenchRun ToRun(string name, int concurrency, TimeSpan elapsed, double healthMaxMs, int healthBad)
        {
            var sorted = _latencies.Order().ToArray();
            return new HttpBenchRun(name, concurrency, elapsed, _answered, _units, Quantile(sorted, 0.50), Quantile(sorted, 0.95), Quantile(sorted, 0.99),
                _shed, _shedWithRetryAfter, new Dictionary<string, int>(_errors), healthMaxMs, healthBad);
        }
    }

    /// <summary>The run's photos, handed out in order to whichever worker asks next.</summary>
    private sealed class PhotoPool((byte[] Bytes, string Category)[] photos)
    {
        private int _next = -1;

        public (byte[] Bytes, string Category) Next() => photos[(int)((uint)Interlocked.Increment(ref _next) % (uint)photos.Length)];
    }
}
