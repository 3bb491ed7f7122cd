using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Portal.Pricing.Domain;
using Portal.Pricing.Engine;
using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;

namespace Portal.Pricing.Application;

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
    TimeProvider time)
{
    public string EmbeddingModel { get; } =
        embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
        ?? throw new InvalidOperationException("The embedding generator does not name its model; vectors of unknown models cannot be compared.");

    public async Task<PriceItemOutcome> PriceAsync(PriceItemRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var errors = ValidateFields(request, out var condition);
        if (errors.Count > 0)
        {
            return PriceItemOutcome.Failed(PriceItemFailure.InvalidFields, "One or more fields are invalid.", errors);
        }

        var uploads = new List<ImageUpload>(request.Images.Count);
        for (var i = 0; i < request.Images.Count; i++)
        {
            var inspection = inspector.Inspect(request.Images[i]);
            if (!inspection.IsValid)
            {
                var failure = inspection.Rejection switch
                {
                    ImageRejection.TooLarge or ImageRejection.TooManyPixels => PriceItemFailure.TooLarge,
                    ImageRejection.NotAnImage => PriceItemFailure.UnsupportedMedia,
                    _ => PriceItemFailure.InvalidFields,
                };
                var message = $"Image {i + 1}: {inspection.Reason}";
                return PriceItemOutcome.Failed(failure, message, new Dictionary<string, string[]> { ["images"] = [message] });
            }

            uploads.Add(inspection.Image!);
        }

        // New photos cost decoding, embedding and assessing: that work waits for a permit; cached photos never do.
        var qualityKey = QualityCache.KeyOf(uploads.Select(u => u.Sha256));
        var newWork = uploads.Any(u => !cache.TryGet(EmbeddingModel, u.Sha256, out _)) || !qualityCache.TryGet(qualityKey, out _);
        var permit = newWork ? await workLimiter.TryAcquireAsync(cancellationToken) : null;
        if (newWork && permit is null)
        {
            return PriceItemOutcome.Failed(PriceItemFailure.Busy, string.Create(CultureInfo.InvariantCulture,
                $"The portal is busy with other photos; try again in {workLimiter.RetryAfter.TotalSeconds:0} s.")) with { RetryAfter = workLimiter.RetryAfter };
        }

        long embedStarted, qualityStarted;
        IReadOnlyList<float[]> queryVectors;
        QualityAssessment quality;
        try
        {
            embedStarted = time.GetTimestamp();
            try
            {
                queryVectors = await EmbedAsync(uploads, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                return PriceItemOutcome.Failed(PriceItemFailure.InvalidFields, ex.Message, new Dictionary<string, string[]> { ["images"] = [ex.Message] });
            }

            qualityStarted = time.GetTimestamp();
            if (!qualityCache.TryGet(qualityKey, out quality))
            {
                quality = await qualityAssessor.AssessAsync(uploads, cancellationToken);
                qualityCache.Set(qualityKey, quality);
            }
        }
        finally
        {
            permit?.Dispose();
        }

        var qualityDone = time.GetTimestamp();

        var result = engine.Calculate(new PricingQuery
        {
            Tenant = request.Tenant,
            Category = request.Category!.Trim(),
            Condition = condition,
            Brand = Clean(request.Brand),
            Title = Clean(request.Title),
            ProductId = Clean(request.ProductId),
            PricingDate = request.PricingDate,
            EmbeddingModel = EmbeddingModel,
            Embedding = queryVectors[0],
            MorePhotoEmbeddings = [.. queryVectors.Skip(1)],
            Quality = quality,
            ExcludedSaleIds = request.ExcludedSaleIds.ToHashSet(StringComparer.Ordinal),
        });
        if (!result.IsPriced)
        {
            return PriceItemOutcome.Failed(PriceItemFailure.CannotPrice, result.CannotPriceReason!) with { Uploads = uploads };
        }

        var suggestion = result.Suggestion!;
        var engineTimings = suggestion.Timings;
        return PriceItemOutcome.Success(suggestion with
        {
            Comparables = suggestion.Comparables
                .Select(c => c with { ImageUrl = c.ImageUrl is { } key ? imageStore.GetUrl(key) : null })
                .ToArray(),
            Timings = engineTimings with
            {
                EmbeddingMs = Round(time.GetElapsedTime(embedStarted, qualityStarted).TotalMilliseconds),
                QualityMs = Round(time.GetElapsedTime(qualityStarted, qualityDone).TotalMilliseconds),
                CandidatesMs = Round(engineTimings.CandidatesMs),
                SimilarityMs = Round(engineTimings.SimilarityMs),
                PriceMs = Round(engineTimings.PriceMs),
                TotalMs = Round(time.GetElapsedTime(started).TotalMilliseconds),
            },
        }) with { Uploads = uploads };
    }

    private Dictionary<string, string[]> ValidateFields(PriceItemRequest request, out ItemCondition condition)
    {
        var settings = limits.Value;
        var errors = new Dictionary<string, string[]>();
        if (request.Images.Count == 0)
        {
            errors["images"] = ["At least one photo is required."];
        }
        else if (request.Images.Count > settings.MaxImages)
        {
            errors["images"] = [$"At most {settings.MaxImages} photos per item; got {request.Images.Count}."];
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
