using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Parquet;
using Portal.Core.Images;
using Portal.Core.Imports.SmartGo;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.SmartGo;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Tests.Imaging;

namespace Portal.Infrastructure.Tests.SmartGo;

/// <summary>
/// The portal's real services (SQLite store, Parquet lake, image store, ONNX embedder, the sale image resolver) in a temp
/// folder, pointed at a fresh SmartGo source database; the resolver can be made to fail for one image key as a flaky host would.
/// </summary>
internal sealed class SmartGoTestHost : IAsyncDisposable
{
    public const string Tenant = "shop-1";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-smartgo-");
    private readonly IHost _host;

    public SmartGoTestHost(string sourceConnectionString, int batchSize, string? connectionStringOverride = null)
    {
        SourceConnectionString = sourceConnectionString;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Portal:DataDirectory"] = Path.Combine(_root.FullName, "data");
        builder.Configuration["Jobs:Enabled"] = "false";
        builder.Configuration["SmartGo:ConnectionString"] = connectionStringOverride ?? sourceConnectionString;
        builder.Configuration["SmartGo:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["SmartGo:ImageRetryDelay"] = "00:00:00.010";
        builder.Configuration["SmartGo:Tenants:0"] = Tenant;
        builder.AddPortal();
        builder.Services.AddSingleton<ISaleImageResolver>(sp => new FlakyImageResolver(sp.GetRequiredService<SaleImageResolver>(), this));
        _host = builder.Build();
    }

    public string SourceConnectionString { get; }

    /// <summary>While set, resolving this image key fails with a retryable error (a host timing out).</summary>
    public string? FailingImageKey { get; set; }

    public IServiceProvider Services => _host.Services;

    public SmartGoImportJob Job => Services.GetServices<IPortalJob>().OfType<SmartGoImportJob>().Single();

    public ISalesStore Store => Services.GetRequiredService<ISalesStore>();

    public IJobWatermarkStore Watermarks => Services.GetRequiredService<IJobWatermarkStore>();

    public string LakeDirectory => Path.Combine(_root.FullName, "data", "lake");

    /// <summary>Stores <paramref name="count"/> distinct photos of the tenant and returns their keys.</summary>
    public async Task<IReadOnlyList<string>> SavePhotosAsync(int count)
    {
        var images = Services.GetRequiredService<IImageStore>();
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            keys.Add(await images.SaveAsync(Tenant, ImagingTestData.Jpeg(160, 120, seed: i + 1), "image/jpeg", default));
        }

        return keys;
    }

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken = default, IProgress<JobProgress>? progress = null) =>
        await Job.RunAsync(new JobContext(Guid.NewGuid(), JobContext.ScheduleTrigger, progress ?? new Progress<JobProgress>()), cancellationToken);

    public Task<long> StoreCountAsync() => Store.CountSalesAsync(new TenantId(Tenant), default);

    public async Task<long> LakeCountAsync()
    {
        long rows = 0;
        if (!Directory.Exists(LakeDirectory))
        {
            return 0;
        }

        foreach (var file in Directory.EnumerateFiles(LakeDirectory, "*.parquet", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            await using var reader = await ParquetReader.CreateAsync(stream);
            rows += reader.Metadata!.NumRows;
        }

        return rows;
    }

    public async Task InsertAsync(IEnumerable<SourceRow> rows)
    {
        await using var connection = new NpgsqlConnection(SourceConnectionString);
        await connection.OpenAsync();
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY smartgo.sales (sale_id, tenant_id, product_id, category, brand, condition, title, description, sold_price, currency, sold_at, image_key, image_url) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(row.SaleId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.TenantId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.ProductId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Category, NpgsqlDbType.Text);
            await WriteNullableAsync(copy, row.Brand);
            await WriteNullableAsync(copy, row.Condition);
            await WriteNullableAsync(copy, row.Title);
            await WriteNullableAsync(copy, null);
            await copy.WriteAsync(row.Price, NpgsqlDbType.Numeric);
            await copy.WriteAsync(row.Currency, NpgsqlDbType.Char);
            await copy.WriteAsync(row.SoldAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            await WriteNullableAsync(copy, row.ImageKey);
            await WriteNullableAsync(copy, row.ImageUrl);
        }

        await copy.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value) =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, NpgsqlDbType.Text);

    private sealed class FlakyImageResolver(ISaleImageResolver inner, SmartGoTestHost host) : ISaleImageResolver
    {
        public Task<ResolvedSaleImage> ResolveAsync(TenantId tenant, string? imageKey, string? imageUrl, CancellationToken cancellationToken) =>
            imageKey is not null && imageKey == host.FailingImageKey
                ? throw new SaleImageUnavailableException("The image host timed out.", isRetryable: true)
                : inner.ResolveAsync(tenant, imageKey, imageUrl, cancellationToken);
    }
}

/// <summary>A row for <c>smartgo.sales</c>; defaults make a valid sale.</summary>
internal sealed record SourceRow(string SaleId, DateTimeOffset SoldAt, string? ImageKey)
{
    public string TenantId { get; init; } = SmartGoTestHost.Tenant;
    public string ProductId { get; init; } = "p-" + SaleId;
    public string Category { get; init; } = "handbags";
    public string? Brand { get; init; } = "Acme";
    public string? Condition { get; init; } = "very_good";
    public string? Title { get; init; } = "A bag";
    public decimal Price { get; init; } = 120.50m;
    public string Currency { get; init; } = "EUR";
    public string? ImageUrl { get; init; }
}
