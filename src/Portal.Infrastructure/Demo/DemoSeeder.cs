using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Portal.Core.Images;

namespace Portal.Infrastructure.Demo;

/// <summary>
/// Seeds the demo tenant on first start from its bundled real photos: stores and embeds each photo once (the embedder is
/// the expensive part, and a photo backs several sales), then writes the planned sales. Idempotent: sales already in the
/// store are skipped, so a re-run adds nothing.
/// </summary>
public sealed partial class DemoSeeder(
    ISalesStore store,
    IImageStore images,
    IEmbeddingGenerator<DataContent, Embedding<float>> embedder,
    SalesWriter writer,
    DemoSeedingStatus status,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoSeeder> logger)
{
    // One batch: the lake then holds one file per month, which keeps DuckDB scans of the demo fast.
    private const int BatchSize = 10_000;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var tenant = new TenantId(settings.DemoTenant);
        var stopwatch = Stopwatch.StartNew();
        // The published product.sold example names this photo by its key; storing the same bytes again is a no-op.
        await images.SaveAsync(tenant.Value, DemoSamples.ShoePhoto, DemoSamples.ShoeContentType, cancellationToken);
        var existing = await store.CountSalesAsync(tenant, cancellationToken);
        if (existing >= settings.DemoSales)
        {
            status.Update(SeedingState.Completed, (int)existing, settings.DemoSales, $"Demo tenant '{tenant}' already has {existing} sales.");
            return;
        }

        try
        {
            // The history ends now; sale ids never change, so a re-run after a complete seed adds nothing.
            var end = time.GetUtcNow();
            var needed = DemoDataGenerator.PhotosFor(settings.DemoSales, DemoPhotos.All);
            status.Update(SeedingState.Running, 0, settings.DemoSales, "Embedding demo photos…");
            var modelId = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";

            var photos = await PreparePhotosAsync(tenant, needed, settings.DemoSales, modelId, cancellationToken);
            // The embeddings also decide the brands: photos that look alike get the same brand, as in a real catalogue.
            var plan = DemoDataGenerator.Plan(tenant, settings.DemoSales, end, photos.ToDictionary(p => p.Key, p => p.Value.Embedding.Vector));
            var done = 0;
            foreach (var chunk in plan.Chunk(BatchSize))
            {
                var batch = chunk
                    .Select(p =>
                    {
                        var (key, embedding) = photos[p.Item.Photo.File];
                        return (p.Sale with { ImageKey = key }, (StoredEmbedding?)embedding);
                    })
                    .ToList();
                await writer.WriteAsync(batch, cancellationToken);
                done += chunk.Length;
                status.Update(SeedingState.Running, done, plan.Count, $"Writing demo sales: {done} of {plan.Count}.");
            }

            status.Update(SeedingState.Completed, plan.Count, plan.Count, $"Demo tenant '{tenant}' seeded with {plan.Count} sales in {stopwatch.Elapsed.TotalSeconds:0.0} s.", stopwatch.Elapsed);
            LogSeeded(logger, tenant.Value, plan.Count, stopwatch.Elapsed.TotalSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            status.Update(SeedingState.Failed, 0, settings.DemoSales, $"Demo seeding failed: {ex.Message}");
            LogFailed(logger, ex);
            throw;
        }
    }

    private async Task<Dictionary<string, (string Key, StoredEmbedding Embedding)>> PreparePhotosAsync(
        TenantId tenant, IReadOnlyList<DemoPhoto> needed, int total, string modelId, CancellationToken cancellationToken)
    {
        var photos = new Dictionary<string, (string, StoredEmbedding)>(needed.Count);
        var embedded = 0;
        // Two at a time: the embedder is thread-safe; each photo already runs its two views side by side, so on 2 cores this
        // mostly overlaps decoding and storing with inference.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 2), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(needed.Select(p => p.File), parallel, async (file, ct) =>
        {
            var jpeg = DemoPhotos.Read(file);
            var key = await images.SaveAsync(tenant.Value, jpeg, "image/jpeg", ct);
            var vector = await embedder.GenerateVectorAsync(new DataContent(jpeg, "image/jpeg"), cancellationToken: ct);
            lock (photos)
            {
                photos[file] = (key, new StoredEmbedding(modelId, vector.ToArray()));
                if (++embedded % 25 == 0)
                {
                    status.Update(SeedingState.Running, 0, total, $"Embedding demo photos: {embedded} of {needed.Count}.");
                }
            }
        });

        return photos;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo tenant {Tenant} seeded with {Count} sales in {Seconds:0.0} s")]
    private static partial void LogSeeded(ILogger logger, string tenant, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo seeding failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
