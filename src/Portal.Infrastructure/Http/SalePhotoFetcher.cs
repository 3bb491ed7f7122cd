using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Http;

/// <summary>
/// Resolves sold products' photos named by URL for the sync intake, outside the ordered pipeline: at most
/// <see cref="SaleImageOptions.MaxConcurrentFetches"/> at once and <see cref="SaleImageOptions.MaxConcurrentFetchesPerHost"/>
/// per host, one total deadline per photo (<see cref="SaleImageOptions.FetchTimeout"/>: waiting for a slot, every attempt
/// and the body), retryable failures retried within it, and concurrent requests for the same photo sharing one fetch.
/// The answer is a <see cref="SalePhotoResult"/>, never an exception, so the caller can keep it for the event's life.
/// </summary>
public sealed partial class SalePhotoFetcher : ISalePhotoFetcher, IDisposable
{
    private readonly ISaleImageResolver _resolver;
    private readonly SaleImageOptions _options;
    private readonly SyncOptions _sync;
    private readonly TimeProvider _time;
    private readonly ILogger<SalePhotoFetcher> _logger;
    private readonly SemaphoreSlim _overall;
    private readonly Dictionary<string, HostSlots> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Tenant, string Url), Lazy<Task<SalePhotoResult>>> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();

    public SalePhotoFetcher(ISaleImageResolver resolver, IOptions<SaleImageOptions> options, IOptions<SyncOptions> sync, TimeProvider timeProvider, ILogger<SalePhotoFetcher> logger)
    {
        _resolver = resolver;
        _options = options.Value;
        _sync = sync.Value;
        _time = timeProvider;
        _logger = logger;
        _overall = new SemaphoreSlim(_options.MaxConcurrentFetches, _options.MaxConcurrentFetches);
    }

    /// <inheritdoc />
    public Task<SalePhotoResult> FetchAsync(TenantId tenant, string imageUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageUrl);
        var key = (tenant.Value, imageUrl);
        // The shared fetch runs on the fetcher's own lifetime (it ends at its deadline anyway); a caller that goes away stops waiting only.
        var entry = _inFlight.GetOrAdd(key, k => new Lazy<Task<SalePhotoResult>>(() => FetchSharedAsync(k, tenant)));
        return entry.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Ends the fetches in flight (their callers get a retryable failure); the semaphores stay, a late release must not throw.</summary>
    public void Dispose() => _stopping.Cancel();

    private async Task<SalePhotoResult> FetchSharedAsync((string Tenant, string Url) key, TenantId tenant)
    {
        try
        {
            await Task.Yield();
            return await FetchOnceAsync(tenant, key.Url);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task<SalePhotoResult> FetchOnceAsync(TenantId tenant, string url)
    {
        using var deadline = new CancellationTokenSource(_options.FetchTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _stopping.Token);
        var token = linked.Token;
        var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : string.Empty;
        var attempts = 0;
        var slots = Enter(host);
        try
        {
            // The host's slot first, then one of all: a queue for a slow host holds none of the slots other hosts need.
            await slots.Semaphore.WaitAsync(token);
            try
            {
                await _overall.WaitAsync(token);
                try
                {
                    while (true)
                    {
                        attempts++;
                        try
                        {
                            return SalePhotoResult.Resolved(await _resolver.ResolveAsync(tenant, null, url, token), attempts);
                        }
                        catch (SaleImageUnavailableException ex) when (ex.IsRetryable && attempts <= _sync.MaxRetries)
                        {
                            var delay = _sync.RetryBaseDelay * Math.Pow(2, attempts - 1);
                            if (delay > TimeSpan.Zero)
                            {
                                await Task.Delay(delay + delay * (Random.Shared.NextDouble() / 2), _time, token);
                            }
                        }
                    }
                }
                finally
                {
                    _overall.Release();
                }
            }
            finally
            {
                slots.Semaphore.Release();
            }
        }
        catch (Exception ex)
        {
            return FailureOf(ex, url, attempts, timedOut: deadline.IsCancellationRequested);
        }
        finally
        {
            Leave(host, slots);
        }
    }

    private SalePhotoResult FailureOf(Exception exception, string url, int attempts, bool timedOut) => exception switch
    {
        SaleImageUnavailableException ex => Failed(url, ex.Message, ex.IsRetryable, attempts),
        OperationCanceledException when timedOut =>
            Failed(url, $"Fetching the image took longer than {_options.FetchTimeout.TotalSeconds:0.#} s.", isRetryable: true, Math.Max(1, attempts)),
        OperationCanceledException when _stopping.IsCancellationRequested =>
            Failed(url, "The portal stopped while fetching the image.", isRetryable: true, Math.Max(1, attempts)),
        // Anything unexpected (the image store, the embedder) may pass: retryable, like the pipeline's own failures.
        _ => Failed(url, $"{exception.GetType().Name}: {exception.Message}", isRetryable: true, Math.Max(1, attempts)),
    };

    private SalePhotoResult Failed(string url, string reason, bool isRetryable, int attempts)
    {
        var safe = UrlRedaction.RedactUrlsIn(reason);
        LogPhotoFailed(_logger, UrlRedaction.Redact(url), attempts, safe);
        return SalePhotoResult.Failed(safe, isRetryable, attempts);
    }

    private HostSlots Enter(string host)
    {
        lock (_hosts)
        {
            if (!_hosts.TryGetValue(host, out var slots))
            {
                slots = new HostSlots(new SemaphoreSlim(_options.MaxConcurrentFetchesPerHost, _options.MaxConcurrentFetchesPerHost));
                _hosts[host] = slots;
            }

            slots.Users++;
            return slots;
        }
    }

    private void Leave(string host, HostSlots slots)
    {
        lock (_hosts)
        {
            // Hosts come and go with the events: an idle host's slots are dropped so the table stays as small as the work in flight.
            if (--slots.Users == 0)
            {
                _hosts.Remove(host);
            }
        }
    }

    private sealed class HostSlots(SemaphoreSlim semaphore)
    {
        public SemaphoreSlim Semaphore { get; } = semaphore;
        public int Users { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sale photo {Url} could not be had after {Attempts} attempt(s): {Reason}")]
    private static partial void LogPhotoFailed(ILogger logger, string url, int attempts, string reason);
}
