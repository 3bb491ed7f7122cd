using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing;

/// <summary>
/// The pricing use case: check the fields and the photos, embed each of them (cached by image hash), assess their quality,
/// then run the engine, which compares every photo with every photo of the sales. Every rejection names the field and the
/// reason. Embeddings and quality assessments are cached by the photos' SHA-256, so re-pricing the same photos (excluding a
/// comparable) only re-runs the engine.
/// </summary>
public sealed class PricingService(
    IImageInspector inspector,
    IEmbeddingGenerator<DataContent, Embedding<float>> embedder,
    IQualityAssessor qualityAssessor,
    ISalesIndex index,
    IImageStore imageStore,
    VisualSimilarityPricingEngine engine,
    EmbeddingCache cache,
    QualityCache qualityCache,
    IOptions<PricingLimits> limits,
    PricingWorkLimiter workLimiter,
    IndexLoadProgress indexLoad,
    TimeProvider time)
{
    public string EmbeddingModel { get; } =
        embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
        ?? throw new InvalidOperationException("The embedding generator does not name its model; vectors of unknown models cannot be compared.");

    /// <summary>Prices a request whose fields are already typed (the workbench page, the print view's re-query).</summary>
    public async Task<PriceItemOutcome> PriceAsync(PriceItemRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var errors = ValidateFields(request, request.Images.Count, out var condition);
        return errors.Count > 0
            ? new PriceItemOutcome.Invalid(errors, InvalidFieldsDetail)
            : await PriceCheckedAsync(request, condition, started, cancellationToken);
    }

    /// <summary>
    /// Prices a request as a form submitted it: every check of the request lives here, so the HTTP endpoint only reads
    /// the body. A photo over the per-photo limit is refused first (413), then all field errors are reported together,
    /// and only then are the photos read.
    /// </summary>
    public async Task<PriceItemOutcome> PriceAsync(PriceItemSubmission submission, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var settings = limits.Value;
        if (submission.Photos.Count <= settings.MaxImages
            && submission.Photos.FirstOrDefault(p => p.Length > settings.MaxImageBytes) is { } oversized)
        {
            return new PriceItemOutcome.TooLarge($"'{oversized.FileName}' is {oversized.Length} bytes; the limit per photo is {settings.MaxImageBytes}.");
        }

        var errors = new Dictionary<string, string[]>();
        var request = new PriceItemRequest
        {
            Tenant = submission.Tenant,
            Images = [],
            Category = submission.Category,
            Condition = submission.Condition,
            Brand = submission.Brand,
            Title = submission.Title,
            ProductId = submission.ProductId,
            PricingDate = ParsePricingDate(submission.PricingDate, errors),
            ExcludedSaleIds = submission.Exclude
                .SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal)
                .ToArray(),
        };
        var fieldErrors = ValidateFields(request, submission.Photos.Count, out var condition);
        foreach (var (field, messages) in fieldErrors)
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return new PriceItemOutcome.Invalid(errors, InvalidFieldsDetail);
        }

        var images = new List<ReadOnlyMemory<byte>>(submission.Photos.Count);
        foreach (var photo in submission.Photos)
        {
            images.Add(await photo.ReadAsync(cancellationToken));
        }

        return await PriceCheckedAsync(request with { Images = images }, condition, started, cancellationToken);
    }

    private const string InvalidFieldsDetail = "One or more fields are invalid.";

    /// <summary>Inspects the photos, embeds and assesses them (under a permit when there is new work), then runs the engine.</summary>
    private async Task<PriceItemOutcome> PriceCheckedAsync(PriceItemRequest request, ItemCondition condition, long started, CancellationToken cancellationToken)
    {
        var (uploads, refused) = Inspect(request.Images);
        if (refused is not null)
        {
            return refused;
        }

        // New photos cost decoding, embedding and assessing: that work waits for a permit; cached photos never do.
        var qualityKey = QualityCache.KeyOf(uploads.Select(u => u.Sha256));
        var newWork = uploads.Any(u => !cache.TryGet(EmbeddingModel, u.Sha256, out _)) || !qualityCache.TryGet(qualityKey, out _);
        var permit = newWork ? await workLimiter.TryAcquireAsync(cancellationToken) : null;
        if (newWork && permit is null)
        {
            return new PriceItemOutcome.Busy(string.Create(CultureInfo.InvariantCulture,
                $"The portal is busy with other photos; try again in {workLimiter.RetryAfter.TotalSeconds:0} s."), workLimiter.RetryAfter);
        }

        var embedStarted = time.GetTimestamp();
        PhotoFeatures features;
        try
        {
            features = await FeaturesAsync(uploads, qualityKey, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            return new PriceItemOutcome.Invalid(new Dictionary<string, string[]> { ["images"] = [ex.Message] }, ex.Message);
        }
        finally
        {
            permit?.Dispose();
        }

        // Read before the engine runs: a load that completes meanwhile leaves this answer marked, never a partial one unmarked.
        var warming = indexLoad.Warming;
        var result = await engine.CalculateAsync(new PricingQuery
        {
            Tenant = request.Tenant,
            Category = request.Category!.Trim(),
            Condition = condition,
            Brand = Clean(request.Brand),
            Title = Clean(request.Title),
            ProductId = Clean(request.ProductId),
            PricingDate = request.PricingDate,
            EmbeddingModel = EmbeddingModel,
            Embedding = features.Vectors[0],
            MorePhotoEmbeddings = [.. features.Vectors.Skip(1)],
            Quality = features.Quality,
            ExcludedSaleIds = request.ExcludedSaleIds.ToHashSet(StringComparer.Ordinal),
        }, cancellationToken);
        return result.IsPriced
            ? new PriceItemOutcome.Priced(Present(result.Suggestion!, started, embedStarted, features) with { Warming = warming })
            : new PriceItemOutcome.CannotPrice(warming is null ? result.CannotPriceReason! : $"{result.CannotPriceReason} {WarmingNote(warming)}");
    }

    /// <summary>Each photo checked (type, size, pixels, SHA-256) in upload order, or the first refusal naming the photo.</summary>
    private (List<ImageUpload> Uploads, PriceItemOutcome? Refused) Inspect(IReadOnlyList<ReadOnlyMemory<byte>> images)
    {
        var uploads = new List<ImageUpload>(images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            var inspection = inspector.Inspect(images[i]);
            if (!inspection.IsValid)
            {
                var message = $"Image {i + 1}: {inspection.Reason}";
                PriceItemOutcome refused = inspection.Rejection switch
                {
                    ImageRejection.TooLarge or ImageRejection.TooManyPixels => new PriceItemOutcome.TooLarge(message),
                    ImageRejection.NotAnImage => new PriceItemOutcome.NotAnImage(message),
                    _ => new PriceItemOutcome.Invalid(new Dictionary<string, string[]> { ["images"] = [message] }, message),
                };
                return (uploads, refused);
            }

            uploads.Add(inspection.Image!);
        }

        return (uploads, null);
    }

    private sealed record PhotoFeatures(IReadOnlyList<float[]> Vectors, QualityAssessment Quality, long QualityStarted, long QualityDone);

    private async Task<PhotoFeatures> FeaturesAsync(IReadOnlyList<ImageUpload> uploads, string qualityKey, CancellationToken cancellationToken)
    {
        var vectors = await EmbedAsync(uploads, cancellationToken);
        var qualityStarted = time.GetTimestamp();
        if (!qualityCache.TryGet(qualityKey, out var quality))
        {
            quality = await qualityAssessor.AssessAsync(uploads, cancellationToken);
            qualityCache.Set(qualityKey, quality);
        }

        return new PhotoFeatures(vectors, quality, qualityStarted, time.GetTimestamp());
    }

    /// <summary>The engine's suggestion as callers see it: comparables' image keys mapped to URLs, the timings measured here.</summary>
    private PricingSuggestion Present(PricingSuggestion suggestion, long started, long embedStarted, PhotoFeatures features)
    {
        var engineTimings = suggestion.Timings;
        return suggestion with
        {
            Comparables = WithImageUrls(suggestion.Comparables),
            LookAlikesNotUsed = WithImageUrls(suggestion.LookAlikesNotUsed),
            Timings = engineTimings with
            {
                EmbeddingMs = Round(time.GetElapsedTime(embedStarted, features.QualityStarted).TotalMilliseconds),
                QualityMs = Round(time.GetElapsedTime(features.QualityStarted, features.QualityDone).TotalMilliseconds),
                CandidatesMs = Round(engineTimings.CandidatesMs),
                SimilarityMs = Round(engineTimings.SimilarityMs),
                PriceMs = Round(engineTimings.PriceMs),
                TotalMs = Round(time.GetElapsedTime(started).TotalMilliseconds),
            },
        };
    }

    private Comparable[] WithImageUrls(IReadOnlyList<Comparable> comparables) =>
        comparables.Select(c => c with { ImageUrl = c.ImageKey is { } key ? imageStore.GetUrl(key) : null }).ToArray();

    /// <summary>Why an answer during the start-up load may lack what a warm host would find.</summary>
    public static string WarmingNote(IndexWarming warming) => warming.EstimatedSales is { } total
        ? string.Create(CultureInfo.InvariantCulture, $"The sales index is still loading ({warming.SalesLoaded:N0} of about {total:N0} sales); try again shortly.")
        : string.Create(CultureInfo.InvariantCulture, $"The sales index is still loading ({warming.SalesLoaded:N0} sales so far); try again shortly.");

    private static DateTimeOffset? ParsePricingDate(string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        errors["pricingDate"] = [$"'{text}' is not an ISO-8601 date."];
        return null;
    }

    private Dictionary<string, string[]> ValidateFields(PriceItemRequest request, int photoCount, out ItemCondition condition)
    {
        var settings = limits.Value;
        var errors = new Dictionary<string, string[]>();
        if (photoCount == 0)
        {
            errors["images"] = ["At least one photo is required."];
        }
        else if (photoCount > settings.MaxImages)
        {
            errors["images"] = [$"At most {settings.MaxImages} photos per item; got {photoCount}."];
        }

        if (string.IsNullOrWhiteSpace(request.Category))
        {
            errors["category"] = ["The category is required."];
        }
        else
        {
            var categories = index.GetCategories(request.Tenant);
            if (!categories.Contains(request.Category.Trim(), StringComparer.Ordinal))
            {
                errors["category"] = [$"Unknown category '{Truncate(request.Category)}'. Known: {string.Join(", ", categories.Take(30))}."];
            }
        }

        if (!ItemConditions.TryParse(request.Condition, out condition))
        {
            errors["condition"] = [$"Unknown condition '{Truncate(request.Condition)}'. Use one of: {ItemConditions.WireNames}."];
        }

        CheckLength(errors, "brand", request.Brand, 100);
        CheckLength(errors, "title", request.Title, 300);
        CheckLength(errors, "productId", request.ProductId, 128);
        if (request.ExcludedSaleIds.Count > settings.MaxExcludedSaleIds)
        {
            errors["exclude"] = [$"At most {settings.MaxExcludedSaleIds} excluded sales."];
        }

        if (request.PricingDate is { } date && (date.Year < 2000 || date > time.GetUtcNow().AddYears(1)))
        {
            errors["pricingDate"] = ["The pricing date must lie between 2000 and one year from now."];
        }

        return errors;
    }

    /// <summary>Each photo's normalised embedding, in upload order: the engine compares every photo, it does not average them.</summary>
    private async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<ImageUpload> uploads, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(uploads.Count);
        foreach (var upload in uploads)
        {
            if (!cache.TryGet(EmbeddingModel, upload.Sha256, out var vector))
            {
                var embedding = await embedder.GenerateVectorAsync(new DataContent(upload.Content, upload.ContentType), cancellationToken: cancellationToken);
                vector = embedding.ToArray();
                cache.Set(EmbeddingModel, upload.Sha256, vector);
            }

            vectors.Add(VectorMath.Normalize(vector));
        }

        return vectors;
    }

    private static void CheckLength(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (value is { Length: > 0 } && value.Length > max)
        {
            errors[field] = [$"At most {max} characters."];
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 40 ? value : value[..40] + "…";

    private static double Round(double ms) => Math.Round(ms, 2);
}
