using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Portal.Core.Images;
using Portal.Core.Imports.SmartGo;
using Portal.Core.Jobs;
using Portal.Infrastructure.SmartGo;
using SkiaSharp;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal bench smartgo</c>: the SmartGo import floor. Fills a fresh database on a real PostgreSQL with <c>--rows</c>
/// sales whose photos were embedded before (a few distinct photos, resolved once up front), imports them into an empty
/// temporary data directory through the real job, and prints rows/s and the total time.
/// </summary>
internal static class BenchSmartGoCommand
{
    private const string Tenant = "bench";
    private static readonly string[] Categories = ["shoes", "handbags", "jackets", "watches"];
    private static readonly string[] Conditions = ["new_with_tags", "like_new", "very_good", "good", "fair"];

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("rows", "postgres", "batch-size", "photos", "schema");
        var rows = args.GetInt("rows", 100_000);
        var batchSize = args.GetInt("batch-size", 1000);
        var photoCount = args.GetInt("photos", 20);
        var admin = args.Get("postgres") ?? Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES")
            ?? throw new CliUsageException("Give a PostgreSQL connection string allowed to CREATE DATABASE: --postgres \"Host=…\" or PORTAL_TEST_POSTGRES.");
        var schema = await File.ReadAllTextAsync(args.Get("schema") ?? FindSchema(), cancellationToken);

        var database = "portal_bench_" + Guid.NewGuid().ToString("N")[..12];
        var dataDirectory = Directory.CreateTempSubdirectory("portal-bench-smartgo-");
        await ExecuteAsync(admin, $"CREATE DATABASE {database}", cancellationToken);
        var source = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        try
        {
            await ExecuteAsync(source, schema, cancellationToken);
            using var host = CliApplication.BuildHost(dataDirectory.FullName);
            var services = host.Services;
            var clock = Stopwatch.StartNew();
            var keys = await PreparePhotosAsync(services, photoCount, cancellationToken);
            await FillSourceAsync(source, rows, keys, cancellationToken);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Prepared {rows:N0} source rows and {keys.Count} embedded photos in {clock.Elapsed.TotalSeconds:N1} s; importing…"));

            var job = new SmartGoImportJob(
                Options.Create(new SmartGoOptions { ConnectionString = source, BatchSize = batchSize, Tenants = [Tenant] }),
                services.GetRequiredService<IOptions<PriceLimits>>(), services.GetRequiredService<ISalesStore>(), services.GetRequiredService<SalesWriter>(), services.GetRequiredService<ISaleImageResolver>(),
                services.GetRequiredService<IJobWatermarkStore>(), (connection, timeout) => new SmartGoSource(connection, timeout),
                services.GetRequiredService<TimeProvider>(), NullLogger<SmartGoImportJob>.Instance);
            clock.Restart();
            var result = await job.RunAsync(new JobContext(Guid.NewGuid(), "bench", new Progress<JobProgress>()), cancellationToken);
            var elapsed = clock.Elapsed;
            var stored = await services.GetRequiredService<ISalesStore>().CountSalesAsync(new TenantId(Tenant), cancellationToken);

            Console.WriteLine(result.Summary);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SmartGo import: {rows:N0} rows in {elapsed.TotalSeconds:N1} s = {rows / elapsed.TotalSeconds:N0} rows/s (batch {batchSize:N0}; floor: 100,000 rows in 120 s)"));
            if (stored != rows)
            {
                await Console.Error.WriteLineAsync($"error: the store holds {stored:N0} sales, expected {rows:N0}.");
                return 1;
            }

            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)", CancellationToken.None);
            dataDirectory.Delete(recursive: true);
        }
    }

    /// <summary>Stores and embeds each photo once, so the import reuses every embedding (the "already embedded" case).</summary>
    private static async Task<IReadOnlyList<string>> PreparePhotosAsync(IServiceProvider services, int count, CancellationToken cancellationToken)
    {
        var images = services.GetRequiredService<IImageStore>();
        var resolver = services.GetRequiredService<ISaleImageResolver>();
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var key = await images.SaveAsync(Tenant, Photo(i), "image/jpeg", cancellationToken);
            keys.Add((await resolver.ResolveAsync(new TenantId(Tenant), key, null, cancellationToken)).ImageKey);
        }

        return keys;
    }

    private static byte[] Photo(int seed)
    {
        using var bitmap = new SKBitmap(320, 240);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)(seed * 53 % 256), (byte)(seed * 97 % 256), (byte)(seed * 29 % 256)));
            using var paint = new SKPaint { Color = new SKColor((byte)(255 - seed * 31 % 256), 200, (byte)(seed * 71 % 256)) };
            canvas.DrawCircle(80 + seed * 7 % 160, 120, 40 + seed % 50, paint);
        }

        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private static async Task FillSourceAsync(string connectionString, int rows, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY smartgo.sales (sale_id, tenant_id, product_id, category, brand, condition, title, sold_price, currency, sold_at, image_key) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        for (var i = 0; i < rows; i++)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync($"sg-{i:D7}", NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(Tenant, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync($"p-{i:D7}", NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(Categories[i % Categories.Length], NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync($"Brand {i % 22}", NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(Conditions[i % Conditions.Length], NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync($"Item {i}", NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(20m + i % 480, NpgsqlDbType.Numeric, cancellationToken);
            await copy.WriteAsync("EUR", NpgsqlDbType.Char, cancellationToken);
            // Spread over about a year, a few seconds apart, so the rows fill many lake partitions as real history would.
            await copy.WriteAsync(start.AddSeconds(i * 300.0), NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(keys[i % keys.Count], NpgsqlDbType.Text, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string FindSchema()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "docs", "smartgo", "source-schema.sql");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new CliUsageException("docs/smartgo/source-schema.sql was not found above this folder; give it with --schema FILE.");
    }
}
