using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Jobs;

namespace Portal.Core.Images;

/// <summary>
/// Moves every live sale with a photo onto one embedding model: opens the photo from the image store, embeds it with the given
/// generator (reusing a vector already computed for that photo and model) and replaces the sale's embedding. Sales already on
/// the model are skipped, so a stopped run resumes where it was and a rerun does nothing. Sales without a photo, or whose photo
/// is gone or unreadable, keep their embedding and are counted. The in-memory index is not touched: it loads the new vectors
/// when the host restarts (vectors of different models are never compared meanwhile).
/// </summary>
public sealed class ReembeddingJob : IPortalJob
{
    public const string JobName = "reembed";

    private readonly ISalesStore _store;
    private readonly IImageStore _images;
    private readonly IImageEmbeddingStore _embeddings;
    private readonly IEmbeddingGenerator<DataContent, Embedding<float>> _generator;
    private readonly TenantId? _tenant;
    private readonly ILogger _logger;

    /// <param name="tenant">Only this tenant; null = every tenant with sales.</param>
    public ReembeddingJob(
        ISalesStore store,
        IImageStore images,
        IImageEmbeddingStore embeddings,
        IEmbeddingGenerator<DataContent, Embedding<float>> generator,
        TenantId? tenant = null,
        ILogger<ReembeddingJob>? logger = null)
    {
        _store = store;
        _images = images;
        _embeddings = embeddings;
        _generator = generator;
        _tenant = tenant;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        ModelId = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
            ?? throw new InvalidOperationException("The embedding generator does not name its model; its vectors could not be told apart.");
    }

    public string Name => JobName;

    public string DisplayName => $"Re-embed sale photos ({ModelId})";

    /// <summary>The model every sale ends on.</summary>
    public string ModelId { get; }

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await ReembedAsync(context.Progress, cancellationToken);
        return new JobResult(report.Failed == 0, report.Summary);
    }

    public async Task<ReembeddingReport> ReembedAsync(IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        // The work list is read first (ids and keys only), so no store cursor stays open while the store is written.
        IReadOnlyList<TenantId> tenants = _tenant is { } one ? [one] : await _store.GetTenantsAsync(cancellationToken);
        var work = new List<(TenantId Tenant, string SaleId, string ImageKey)>();
        long alreadyDone = 0;
        long noImage = 0;
        foreach (var tenant in tenants)
        {
            await foreach (var (sale, embedding) in _store.StreamSalesAsync(tenant, cancellationToken))
            {
                if (string.Equals(embedding?.ModelId, ModelId, StringComparison.Ordinal))
                {
                    alreadyDone++;
                }
                else if (string.IsNullOrEmpty(sale.ImageKey))
                {
                    noImage++;
                }
                else
                {
                    work.Add((tenant, sale.SaleId, sale.ImageKey));
                }
            }
        }

        var report = new ReembeddingReport(ModelId, work.Count, 0, alreadyDone, noImage, 0, 0);
        progress?.Report(new JobProgress(0, work.Count, report.Summary));
        foreach (var (tenant, saleId, imageKey) in work)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vector = await EmbedAsync(imageKey, cancellationToken);
            if (vector is null)
            {
                report = report with { ImageUnavailable = report.ImageUnavailable + 1 };
                ReembeddingLog.ImageUnavailable(_logger, tenant.Value, saleId);
            }
            else if (await _store.ReplaceEmbeddingAsync(tenant, saleId, new StoredEmbedding(ModelId, vector), cancellationToken))
            {
                report = report with { Reembedded = report.Reembedded + 1 };
            }
            else
            {
                // Expired or removed since the work list was read.
                report = report with { Failed = report.Failed + 1 };
            }

            progress?.Report(new JobProgress(report.Reembedded + report.ImageUnavailable + report.Failed, work.Count, report.Summary));
        }

        return report;
    }

    private async Task<float[]?> EmbedAsync(string imageKey, CancellationToken cancellationToken)
    {
        var image = await _images.OpenAsync(imageKey, cancellationToken);
        if (image is null)
        {
            return null;
        }

        byte[] bytes;
        await using (image.Content)
        {
            using var buffer = new MemoryStream();
            await image.Content.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (await _embeddings.TryGetAsync(ModelId, sha256, cancellationToken) is { } known)
        {
            return known;
        }

        try
        {
            var embedding = await _generator.GenerateVectorAsync(new DataContent(bytes, image.ContentType), cancellationToken: cancellationToken);
            var vector = embedding.ToArray();
            await _embeddings.PutAsync(ModelId, sha256, vector, cancellationToken);
            return vector;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}

/// <summary>
/// What a re-embedding run did: <see cref="ToProcess"/> sales needed the model; of them <see cref="Reembedded"/> moved,
/// <see cref="ImageUnavailable"/> had a photo that is gone or unreadable, <see cref="Failed"/> vanished meanwhile.
/// </summary>
public sealed record ReembeddingReport(string ModelId, long ToProcess, long Reembedded, long AlreadyOnModel, long NoImage, long ImageUnavailable, long Failed)
{
    /// <summary><c>1,200/3,600 re-embedded, 3 skipped (no image), 40 already on the model</c>.</summary>
    public string Summary
    {
        get
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{Reembedded:N0}/{ToProcess:N0} re-embedded, {NoImage:N0} skipped (no image), {AlreadyOnModel:N0} already on {ModelId}");
            if (ImageUnavailable > 0)
            {
                text += string.Create(CultureInfo.InvariantCulture, $", {ImageUnavailable:N0} with a missing or unreadable image");
            }

            if (Failed > 0)
            {
                text += string.Create(CultureInfo.InvariantCulture, $", {Failed:N0} gone from the store");
            }

            return text;
        }
    }
}

internal static partial class ReembeddingLog
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Re-embedding: the photo of sale {SaleId} (tenant {Tenant}) is missing or unreadable; its embedding is kept")]
    public static partial void ImageUnavailable(ILogger logger, string tenant, string saleId);
}
