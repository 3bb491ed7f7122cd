using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Batches;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Tests.Hosting;

namespace Portal.Infrastructure.Tests.Batches;

/// <summary>
/// The real infrastructure (SQLite, image files, ONNX, the pricing service) over a temporary folder, with a small demo
/// tenant seeded once for the class, so rows price against real photos' comparables.
/// </summary>
public sealed class BatchTestHost : IAsyncLifetime
{
    public static readonly TenantId Demo = new("demo");
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-batch-tests-").FullName;

    public IHost Host { get; private set; } = null!;

    public IServiceProvider Services => Host.Services;

    public IPricingBatchStore Store => Services.GetRequiredService<IPricingBatchStore>();

    public async Task InitializeAsync()
    {
        Host = InfrastructureTestHost.Build(_folder, ("Portal:DemoSales", "300"), ("Logging:LogLevel:Default", "Warning"));
        await Services.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Host.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file; it is in the temp directory anyway.
        }

        return Task.CompletedTask;
    }

    public BatchSubmitter Submitter(BatchOptions? options = null) => new(
        Store, Services.GetRequiredService<IImageStore>(), Services.GetRequiredService<IImageInspector>(), Services.GetRequiredService<ISalesIndex>(),
        new BatchQueue(), Options.Create(options ?? new BatchOptions()), TimeProvider.System);

    /// <summary>A runner of its own (its own lease owner), as a second host would have.</summary>
    public BatchRunner Runner(BatchOptions? options = null, PricingService? pricing = null) => new(
        Store, Services.GetRequiredService<IImageStore>(), pricing ?? Services.GetRequiredService<PricingService>(),
        Options.Create(options ?? new BatchOptions()), TimeProvider.System, NullLogger<BatchRunner>.Instance);

    /// <summary>Demo photos of one category (the demo has comparables for them).</summary>
    public static IReadOnlyList<(string File, byte[] Bytes)> Photos(string category, int count) =>
        [.. DemoPhotos.All.Where(p => p.Category == category).Take(count).Select(p => (p.File, DemoPhotos.Read(p.File)))];

    public static BatchFile File(string name, byte[] bytes) => new(name, bytes.Length, _ => Task.FromResult<Stream>(new MemoryStream(bytes)));

    public static BatchFile Csv(string text) => File("items.csv", Encoding.UTF8.GetBytes(text));

    public static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    public static BatchUpload.CsvWithZip CsvUpload(string csv, byte[] zip) =>
        new(Csv(csv), File("photos.zip", zip)) { Tenant = Demo, UserName = "ana@example.com" };
}
