using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sales;

namespace Portal.Core.Sync.Stages;

/// <summary>
/// The sold product's photo: fetched by URL before the submission is queued (<see cref="PrefetchAsync"/>), so the ordered
/// path never waits on an image host; resolved by image-store key (stored and embedded, the embedding reused by image hash)
/// in the micro-batch. A parked sold event keeps the photo it resolved and never fetches it again.
/// </summary>
public sealed class PhotoStage(
    ISaleImageResolver images,
    ISalePhotoFetcher photos,
    EventOutcomes outcomes,
    SyncRetry retry,
    IOptions<SyncOptions> options)
{
    private const int MaxCachedImageKeys = 10_000;

    private readonly SyncOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, ResolvedSaleImage> _resolvedKeys = new(StringComparer.Ordinal);

    /// <summary>Fetches, stores and embeds the named photos through the bounded fetcher; the submission carries them.</summary>
    internal async Task<SubmissionRequest> PrefetchAsync(SubmissionRequest submission, IReadOnlyCollection<(TenantId Tenant, string Url)> wanted, CancellationToken cancellationToken)
    {
        var refs = wanted.ToList();
        var fetched = await Task.WhenAll(refs.Select(r => photos.FetchAsync(r.Tenant, r.Url, cancellationToken)));
        return submission with { Photos = refs.Zip(fetched).ToDictionary(p => p.First, p => p.Second) };
    }

    /// <summary>Resolves the photo of every sold item that names one; an item whose photo cannot be had is settled here.</summary>
    internal async Task ResolveAsync(IEnumerable<SyncWorkItem> items, CancellationToken cancellationToken)
    {
        // Photos in parallel (embedding is the slow step: ~50 ms a photo on one core), bounded by Sync:ImageConcurrency.
        await Parallel.ForEachAsync(
            items.Where(i => i.Event.Type == ProductEventType.Sold && (i.Event.Detail.ImageKey ?? i.Event.Detail.ImageUrl) is not null),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ImageConcurrency, CancellationToken = cancellationToken },
            async (item, token) => await ResolveOneAsync(item, token));
    }

    private async Task ResolveOneAsync(SyncWorkItem item, CancellationToken cancellationToken)
    {
        var detail = item.Event.Detail;
        var path = detail.ImageKey is not null ? "detail.imageKey" : "detail.imageUrl";
        // A parked sold event kept the photo it resolved before parking: its generated key, never the URL again.
        var imageKey = item.Parked?.ImageKey ?? detail.ImageKey;
        if (imageKey is null)
        {
            await TakeFetchedPhotoAsync(item, path, cancellationToken);
        }
        else
        {
            await ResolveByKeyAsync(item, imageKey, path, cancellationToken);
        }
    }

    private async Task TakeFetchedPhotoAsync(SyncWorkItem item, string path, CancellationToken cancellationToken)
    {
        // By URL: fetched before the submission was queued; otherwise (a parked event from before photos were kept) here,
        // through the same bounded fetcher and its deadline.
        var photo = item.Photo ?? await photos.FetchAsync(item.Tenant, item.Event.Detail.ImageUrl!, cancellationToken);
        if (photo.Image is not null)
        {
            item.Image = photo.Image;
        }
        else if (photo.IsRetryable)
        {
            await outcomes.FailAsync(item, new SaleImageUnavailableException(photo.Failure!, isRetryable: true), release: true, cancellationToken, photo.Attempts);
        }
        else
        {
            await outcomes.RejectAsync(item, DeadLetterCategory.ImageUnavailable, path, photo.Failure!, complete: true, cancellationToken);
        }
    }

    private async Task ResolveByKeyAsync(SyncWorkItem item, string imageKey, string path, CancellationToken cancellationToken)
    {
        // Image-store keys are content-addressed and tenant-prefixed: a key always names the same photo, so its resolution can be reused.
        if (_resolvedKeys.TryGetValue(imageKey, out var known))
        {
            item.Image = known with { EmbeddingReused = true };
            return;
        }

        try
        {
            item.Image = await retry.RunAsync(() => images.ResolveAsync(item.Tenant, imageKey, null, cancellationToken), cancellationToken);
            if (_resolvedKeys.Count >= MaxCachedImageKeys)
            {
                _resolvedKeys.Clear();
            }

            _resolvedKeys[imageKey] = item.Image;
        }
        catch (SaleImageUnavailableException ex) when (!ex.IsRetryable)
        {
            await outcomes.RejectAsync(item, DeadLetterCategory.ImageUnavailable, path, ex.Message, complete: true, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await outcomes.FailAsync(item, ex, release: true, cancellationToken);
        }
    }
}
