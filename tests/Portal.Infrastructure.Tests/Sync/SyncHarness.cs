using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Sync.Stages;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Http;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The real sync pipeline on real SQLite and Parquet in a temporary folder; every store a fresh instance per harness.</summary>
internal sealed class SyncHarness : IDisposable
{
    public const string Tenant = "demo";

    private readonly bool _ownsFolder;

    public SyncHarness(TimeProvider time, SyncOptions? options = null, Func<ISalesOutbox, ISalesOutbox>? decorateOutbox = null, string? folder = null, PriceLimits? priceLimits = null,
        Func<string, ISaleImageResolver>? images = null)
    {
        _ownsFolder = folder is null;
        Folder = folder ?? Directory.CreateTempSubdirectory("portal-sync-tests-").FullName;
        Time = time;
        Options = options ?? new SyncOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1) };
        var database = Path.Combine(Folder, "sales.db");
        Store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = database }, time);
        Lake = new ParquetSalesLake(new LakeOptions { RootDirectory = Path.Combine(Folder, "lake") }, time);
        Idempotency = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DatabasePath = database }, time);
        States = new SqliteProductStateStore(database, time);
        Parked = new SqliteParkedEventStore(database);
        DeadLetters = new SqliteDeadLetterStore(database, time);
        Index = new InMemorySalesIndex(new IndexOptions());
        Metrics = new SyncMetrics();
        Monitor = new SyncMonitor(time, Metrics);
        Outbox = decorateOutbox?.Invoke(Store) ?? Store;
        Images = images?.Invoke(Folder) ?? new NoImagesResolver();
        var syncOptions = Microsoft.Extensions.Options.Options.Create(Options);
        Options.AddImplicitTenant(Tenant);
        Photos = new SalePhotoFetcher(Images, Microsoft.Extensions.Options.Options.Create(new SaleImageOptions()), syncOptions, time, NullLogger<SalePhotoFetcher>.Instance);
        LakeWriter = new LakeWriter(Store, Lake, syncOptions, Metrics, time);
        Pipeline = NewPipeline(syncOptions, Microsoft.Extensions.Options.Options.Create(priceLimits ?? new PriceLimits()));
    }

    public string Folder { get; }
    /// <summary>The photo resolver: by default one that refuses every photo (these tests' events name none).</summary>
    public ISaleImageResolver Images { get; }
    public SalePhotoFetcher Photos { get; }
    public TimeProvider Time { get; }
    public SyncOptions Options { get; }
    public SqliteSalesStore Store { get; }
    public ISalesOutbox Outbox { get; }
    public ParquetSalesLake Lake { get; }
    public SqliteIdempotencyStore Idempotency { get; }
    public SqliteProductStateStore States { get; }
    public SqliteParkedEventStore Parked { get; }
    public SqliteDeadLetterStore DeadLetters { get; }
    public InMemorySalesIndex Index { get; }
    public SyncMetrics Metrics { get; }
    public SyncMonitor Monitor { get; }
    public EventPipeline Pipeline { get; }
    public LakeWriter LakeWriter { get; }

    /// <summary>The pipeline and its stages over this harness's stores, wired as the host wires them.</summary>
    private EventPipeline NewPipeline(IOptions<SyncOptions> syncOptions, IOptions<PriceLimits> priceLimits)
    {
        var failures = new FailureClassifier([new SqliteTransientFailures(), new HttpTransientFailures()]);
        var retry = new SyncRetry(failures, syncOptions, Monitor, Time);
        var deadLetters = new DeadLetterWriter(DeadLetters, retry, Monitor, Time, NullLogger<DeadLetterWriter>.Instance);
        var outcomes = new EventOutcomes(deadLetters, Idempotency, failures, Monitor, syncOptions, NullLogger<EventOutcomes>.Instance);
        var park = new ParkStage(Parked, outcomes, deadLetters, retry, Monitor, syncOptions, Time);
        return new EventPipeline(
            new IntakeStage(new KnownTenants(syncOptions, Store, Time), deadLetters, outcomes, Monitor, priceLimits, Time),
            new ClaimStage(Idempotency, outcomes, retry, Monitor, syncOptions, Time, NullLogger<ClaimStage>.Instance),
            new PhotoStage(Images, Photos, outcomes, retry, syncOptions),
            new TransitionStage(States, park, outcomes, retry),
            park,
            new SaleStage(new SalesWriter(Outbox, LakeWriter, Index), outcomes, retry, Monitor, Time, NullLogger<SaleStage>.Instance));
    }

    public string LakeRoot => Path.Combine(Folder, "lake");

    public async Task<EventSubmissionResult> SubmitAsync(string body, TenantId? restrictTo = null)
    {
        var results = await Pipeline.ProcessAsync([new SubmissionRequest(Encoding.UTF8.GetBytes(body), new EventSubmissionOrigin(EventSubmissionOrigin.Http, restrictTo))], CancellationToken.None);
        return Assert.Single(results);
    }

    public Task<long> StoreCountAsync(string tenant = Tenant) => Store.CountSalesAsync(new TenantId(tenant), CancellationToken.None);

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync() =>
        DeadLetters.ListAsync(new DeadLetterQuery { AllTenants = true, Status = null, Limit = 1000 }, CancellationToken.None);

    /// <summary>Rows and distinct sale ids in every Parquet file of the lake.</summary>
    public async Task<(long Rows, long DistinctSales)> LakeCountAsync()
    {
        var table = Path.Combine(LakeRoot, ParquetSalesLake.TableFolder);
        if (!Directory.Exists(table) || !Directory.EnumerateFiles(table, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return (0, 0);
        }

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT sale_id) FROM read_parquet('{table}/**/*.parquet')";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        Store.Dispose();
        Idempotency.Dispose();
        States.Dispose();
        Parked.Dispose();
        DeadLetters.Dispose();
        Metrics.Dispose();
        Photos.Dispose();
        (Images as IDisposable)?.Dispose();
        if (_ownsFolder)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>These tests' events name no photo, so the pipeline must never ask for one.</summary>
    private sealed class NoImagesResolver : ISaleImageResolver
    {
        public Task<ResolvedSaleImage> ResolveAsync(TenantId tenant, string? imageKey, string? imageUrl, CancellationToken cancellationToken) =>
            throw new SaleImageUnavailableException("This test's pipeline has no image store.", isRetryable: false);
    }
}

/// <summary>Marketplace events as JSON, built like the examples in docs/events.</summary>
internal static class Events
{
    public static string Listed(string productId, DateTimeOffset time, string? eventId = null, string tenant = SyncHarness.Tenant, decimal askingPrice = 40m) => $$"""
        {"version":"0","id":"{{eventId ?? "listed-" + productId}}","detail-type":"product.listed","source":"carousel.products","time":"{{Stamp(time)}}",
         "detail":{"tenantId":"{{tenant}}","productId":"{{productId}}","category":"shoes","brand":"Nordvik","condition":"very_good",
                   "title":"Trail shoes","askingPrice":{{askingPrice.ToString(CultureInfo.InvariantCulture)}},"currency":"EUR"} }
        """;

    public static string Updated(string productId, DateTimeOffset time, string? eventId = null) => Listed(productId, time, eventId ?? "updated-" + productId)
        .Replace("\"product.listed\"", "\"product.updated\"", StringComparison.Ordinal);

    public static string Delisted(string productId, DateTimeOffset time, string? eventId = null, string tenant = SyncHarness.Tenant) => $$"""
        {"version":"0","id":"{{eventId ?? "delisted-" + productId}}","detail-type":"product.delisted","source":"carousel.products","time":"{{Stamp(time)}}",
         "detail":{"tenantId":"{{tenant}}","productId":"{{productId}}"} }
        """;

    public static string Sold(string productId, DateTimeOffset time, string? eventId = null, string tenant = SyncHarness.Tenant, decimal price = 35.5m, string? imageUrl = null) => $$"""
        {"version":"0","id":"{{eventId ?? "sold-" + productId}}","detail-type":"product.sold","source":"carousel.products","time":"{{Stamp(time)}}",
         "detail":{"tenantId":"{{tenant}}","productId":"{{productId}}","saleId":"sale-{{productId}}","category":"shoes","brand":"Nordvik",{{(imageUrl is null ? "" : $"\"imageUrl\":\"{imageUrl}\",")}}
                   "condition":"very_good","soldPrice":{{price.ToString(CultureInfo.InvariantCulture)}},"currency":"EUR","soldAt":"{{Stamp(time)}}"} }
        """;

    public static string Batch(params string[] events) => "[" + string.Join(",", events) + "]";

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
