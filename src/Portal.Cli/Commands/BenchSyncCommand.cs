using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Hosting;
using SkiaSharp;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench sync</c>: the sync floors on a throwaway data directory, through the real channel, consumer, stores and
/// lake writer — product.sold events/s with the embedding already known, events/s with ResNet embedding, and event
/// accepted → sale queryable latency at a fixed rate.
/// </summary>
internal static class BenchSyncCommand
{
    private const string Tenant = "demo";

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("events", "resnet-events", "rate", "seconds", "short", "data-dir");
        var quick = args.Has("short");
        var knownEvents = args.GetInt("events", quick ? 2_000 : 30_000);
        var resnetEvents = args.GetInt("resnet-events", quick ? 10 : 150);
        var rate = args.GetInt("rate", 100);
        var seconds = args.GetInt("seconds", quick ? 3 : 30);
        var dataDirectory = args.Get("data-dir") ?? Directory.CreateTempSubdirectory("portal-bench-sync-").FullName;

        using var host = BuildHost(dataDirectory);
        await host.StartAsync(cancellationToken);
        try
        {
            var submitter = host.Services.GetRequiredService<IEventSubmitter>();
            var images = host.Services.GetRequiredService<IImageStore>();
            var resolver = host.Services.GetRequiredService<ISaleImageResolver>();
            var tenant = new TenantId(Tenant);

            // One photo embedded beforehand: every "known" sale reuses its embedding (found by the photo's SHA-256).
            var knownKey = await images.SaveAsync(Tenant, Photo(0), "image/jpeg", cancellationToken);
            await resolver.ResolveAsync(tenant, knownKey, null, cancellationToken);

            Console.WriteLine($"portal bench sync: data in {dataDirectory}");
            await ListAsync("k", knownEvents, submitter, cancellationToken);
            var known = await SoldAsync("k", knownEvents, _ => knownKey, submitter, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"product.sold, embedding known: {knownEvents} events in {known.TotalSeconds:0.00} s = {knownEvents / known.TotalSeconds:0} events/s (floor 1500)"));

            var keys = new string[resnetEvents];
            for (var i = 0; i < resnetEvents; i++)
            {
                keys[i] = await images.SaveAsync(Tenant, Photo(i + 1), "image/jpeg", cancellationToken);
            }

            await ListAsync("r", resnetEvents, submitter, cancellationToken);
            var resnet = await SoldAsync("r", resnetEvents, i => keys[i], submitter, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"product.sold, ResNet18 embedding: {resnetEvents} events in {resnet.TotalSeconds:0.00} s = {resnetEvents / resnet.TotalSeconds:0.0} events/s (floor 15)"));

            var latencies = await LatencyAsync(rate, seconds, knownKey, submitter, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accepted → queryable at {rate} events/s for {seconds} s ({latencies.Length} events): p50 {Quantile(latencies, 0.5):0.0} ms, p95 {Quantile(latencies, 0.95):0.0} ms, p99 {Quantile(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms (floor p99 ≤ 1000 ms)"));

            var store = host.Services.GetRequiredService<ISalesStore>();
            Console.WriteLine($"store holds {await store.CountSalesAsync(tenant, cancellationToken)} sales");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        return 0;
    }

    private static IHost BuildHost(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{EmbeddedStorageOptions.SectionName}:{nameof(EmbeddedStorageOptions.DataDirectory)}"] = dataDirectory,
            [$"{DemoOptions.SectionName}:{nameof(DemoOptions.SeedDemoData)}"] = "false",
            [$"{DemoOptions.SectionName}:{nameof(DemoOptions.DemoTenant)}"] = Tenant,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddPortal();
        builder.Services.AddSyncWorkers();
        return builder.Build();
    }

    private static Task ListAsync(string prefix, int count, IEventSubmitter submitter, CancellationToken cancellationToken) =>
        SubmitAllAsync(count, i => Listed($"{prefix}{i}"), submitter, cancellationToken);

    private static async Task<TimeSpan> SoldAsync(string prefix, int count, Func<int, string> imageKey, IEventSubmitter submitter, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await SubmitAllAsync(count, i => Sold($"{prefix}{i}", imageKey(i)), submitter, cancellationToken);
        return watch.Elapsed;
    }

    /// <summary>Single-event submissions from 64 concurrent producers (like 64 HTTP clients); back-pressure waits and retries.</summary>
    private static async Task SubmitAllAsync(int count, Func<int, string> body, IEventSubmitter submitter, CancellationToken cancellationToken)
    {
        var next = -1;
        var failures = 0;
        var producers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var outcome = await SubmitOneAsync(Encoding.UTF8.GetBytes(body(i)), submitter, cancellationToken);
                if (outcome.Status != EventOutcomeStatus.Accepted)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(producers);
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} of {count} events were not accepted.");
        }
    }

    private static async Task<EventOutcome> SubmitOneAsync(byte[] body, IEventSubmitter submitter, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var result = await submitter.SubmitAsync(body, new EventSubmissionOrigin("bench", null), cancellationToken);
                return result.Outcomes.Count == 1
                    ? result.Outcomes[0]
                    : throw new InvalidOperationException(string.Join("; ", result.BatchErrors));
            }
            catch (EventBackPressureException)
            {
                await Task.Delay(5, cancellationToken);
            }
        }
    }

    private static async Task<double[]> LatencyAsync(int rate, int seconds, string imageKey, IEventSubmitter submitter, CancellationToken cancellationToken)
    {
        var count = rate * seconds;
        await ListAsync("l", count, submitter, cancellationToken);
        var latencies = new double[count];
        var pending = new List<Task>(count);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            // Open loop: each event leaves at its scheduled time whatever the previous ones are doing.
            var due = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            var index = i;
            var body = Encoding.UTF8.GetBytes(Sold($"l{i}", imageKey));
            pending.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                var outcome = await SubmitOneAsync(body, submitter, cancellationToken);
                latencies[index] = outcome.Status == EventOutcomeStatus.Accepted ? Stopwatch.GetElapsedTime(sent).TotalMilliseconds : double.PositiveInfinity;
            }, cancellationToken));
        }

        await Task.WhenAll(pending);
        Array.Sort(latencies);
        return latencies;
    }

    private static double Quantile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Now(int minutesAgo) =>
        DateTimeOffset.UtcNow.AddMinutes(-minutesAgo).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Listed(string productId) =>
        $$"""{"version":"0","id":"listed-{{productId}}","detail-type":"product.listed","source":"carousel.products","time":"{{Now(2)}}","detail":{"tenantId":"{{Tenant}}","productId":"{{productId}}","category":"shoes","brand":"Nordvik","condition":"very_good","title":"Trail shoes","askingPrice":40,"currency":"EUR"} }""";

    private static string Sold(string productId, string imageKey) =>
        $$"""{"version":"0","id":"sold-{{productId}}","detail-type":"product.sold","source":"carousel.products","time":"{{Now(1)}}","detail":{"tenantId":"{{Tenant}}","productId":"{{productId}}","saleId":"sale-{{productId}}","category":"shoes","brand":"Nordvik","condition":"very_good","soldPrice":35.5,"currency":"EUR","soldAt":"{{Now(1)}}","imageKey":"{{imageKey}}"} }""";

    /// <summary>A distinct 256×256 JPEG per seed (a coloured pattern), so each has its own SHA-256 and needs its own embedding.</summary>
    private static byte[] Photo(int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(256, 256);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var paint = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 12; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawCircle(random.Next(256), random.Next(256), random.Next(10, 60), paint);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
