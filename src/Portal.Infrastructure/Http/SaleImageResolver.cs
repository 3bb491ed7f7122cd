using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Http;

/// <summary>
/// Fetches a sold product's photo (an image-store key of the same tenant, or an http(s) URL), checks it like an upload,
/// stores it under a generated content-hash key and embeds it — once per image and model: a photo seen before reuses its
/// stored embedding. Failures say whether a retry can help (timeouts, 5xx, refused connections) or not (404, not an image,
/// too large, a private address).
/// </summary>
public sealed class SaleImageResolver : ISaleImageResolver, IDisposable
{
    private readonly IImageStore _images;
    private readonly IImageInspector _inspector;
    private readonly IEmbeddingGenerator<DataContent, Embedding<float>> _embedder;
    private readonly IImageEmbeddingStore _embeddings;
    private readonly SaleImageOptions _options;
    private readonly HttpClient _http;
    private readonly string _modelId;
    private readonly TimeProvider _time;

    public SaleImageResolver(
        IImageStore images,
        IImageInspector inspector,
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder,
        IImageEmbeddingStore embeddings,
        IOptions<SaleImageOptions> options,
        TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _images = images;
        _inspector = inspector;
        _embedder = embedder;
        _embeddings = embeddings;
        _options = options.Value;
        _modelId = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
            ?? throw new InvalidOperationException("The embedding generator does not name its model.");
        _http = new HttpClient(CreateHandler(_options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PricingPortal-Sync", "1.0"));
    }

    public string ModelId => _modelId;

    public async Task<ResolvedSaleImage> ResolveAsync(TenantId tenant, string? imageKey, string? imageUrl, CancellationToken cancellationToken)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing.", nameof(tenant));
        }

        var (bytes, source) = !string.IsNullOrWhiteSpace(imageKey)
            ? (await ReadStoredAsync(tenant, imageKey, cancellationToken), "image key")
            : !string.IsNullOrWhiteSpace(imageUrl)
                ? (await FetchAsync(imageUrl, cancellationToken), "image URL")
                : throw new SaleImageUnavailableException("The sale names no image (neither imageKey nor imageUrl).", isRetryable: false);

        var inspection = _inspector.Inspect(bytes);
        if (!inspection.IsValid)
        {
            throw new SaleImageUnavailableException($"The {source} does not give a usable image: {inspection.Reason}", isRetryable: false);
        }

        var image = inspection.Image!;
        var key = await _images.SaveAsync(tenant.Value, bytes, image.ContentType, cancellationToken);
        var vector = await _embeddings.TryGetAsync(_modelId, image.Sha256, cancellationToken);
        var reused = vector is not null;
        if (vector is null)
        {
            try
            {
                var embedding = await _embedder.GenerateVectorAsync(new DataContent(bytes, image.ContentType), cancellationToken: cancellationToken);
                vector = embedding.ToArray();
            }
            catch (InvalidDataException ex)
            {
                throw new SaleImageUnavailableException($"The {source} could not be decoded: {ex.Message}", isRetryable: false, ex);
            }

            await _embeddings.PutAsync(_modelId, image.Sha256, vector, cancellationToken);
        }

        return new ResolvedSaleImage(key, new StoredEmbedding(_modelId, vector), reused);
    }

    public void Dispose() => _http.Dispose();

    private async Task<ReadOnlyMemory<byte>> ReadStoredAsync(TenantId tenant, string key, CancellationToken cancellationToken)
    {
        // Keys are generated per tenant ("{tenant}/…"); another tenant's key is refused before the store is asked.
        if (!key.StartsWith(tenant.Value + "/", StringComparison.Ordinal))
        {
            throw new SaleImageUnavailableException($"Image key '{Shorten(key)}' does not belong to tenant '{tenant.Value}'.", isRetryable: false);
        }

        var stored = await _images.OpenAsync(key, cancellationToken)
            ?? throw new SaleImageUnavailableException($"Image key '{Shorten(key)}' is not in the image store.", isRetryable: false);
        await using (stored.Content)
        {
            if (stored.Length > _options.MaxBytes)
            {
                throw new SaleImageUnavailableException($"The stored image is {stored.Length} bytes; at most {_options.MaxBytes} are accepted.", isRetryable: false);
            }

            return await ReadLimitedAsync(stored.Content, cancellationToken);
        }
    }

    private async Task<ReadOnlyMemory<byte>> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new SaleImageUnavailableException($"'{Shorten(url)}' is not an absolute http(s) URL.", isRetryable: false);
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new SaleImageUnavailableException("Image URLs may not carry credentials.", isRetryable: false);
        }

        // The whole fetch, body included, on the injected clock: a host that drips a byte now and then is still cut off.
        using var deadline = new CancellationTokenSource(_options.FetchTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var retryable = status is 408 or 425 or 429 or >= 500;
                throw new SaleImageUnavailableException($"The image host answered {status} {response.ReasonPhrase} for {Shorten(url)}.", retryable);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                throw new SaleImageUnavailableException($"The image URL returned '{mediaType ?? "no content type"}', not an image.", isRetryable: false);
            }

            if (response.Content.Headers.ContentLength is { } length && length > _options.MaxBytes)
            {
                throw new SaleImageUnavailableException($"The image is {length} bytes; at most {_options.MaxBytes} are accepted.", isRetryable: false);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await ReadLimitedAsync(body, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SaleImageUnavailableException($"Fetching the image took longer than {_options.FetchTimeout.TotalSeconds:0.#} s.", isRetryable: true, ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is PrivateAddressException)
        {
            throw new SaleImageUnavailableException(UrlRedaction.RedactUrlsIn(ex.InnerException.Message), isRetryable: false, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SaleImageUnavailableException($"Fetching the image failed: {UrlRedaction.RedactUrlsIn(ex.Message)}", isRetryable: true, ex);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _options.MaxBytes)
            {
                throw new SaleImageUnavailableException($"The image is larger than {_options.MaxBytes} bytes.", isRetryable: false);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static SocketsHttpHandler CreateHandler(SaleImageOptions options) => new()
    {
        AllowAutoRedirect = options.MaxRedirects > 0,
        MaxAutomaticRedirections = Math.Max(1, options.MaxRedirects),
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
        UseProxy = false,
        // The address is checked at connect time, after DNS, so neither a redirect nor DNS rebinding reaches a private host.
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = options.AllowPrivateNetworks ? addresses : addresses.Where(NetworkAddressPolicy.IsPublic).ToArray();
            if (allowed.Length == 0)
            {
                throw new PrivateAddressException($"Image host '{context.DnsEndPoint.Host}' does not resolve to a public address.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A key or URL as it may appear in a message: redacted (no query, fragment or user info) and at most 200 characters.</summary>
    private static string Shorten(string value)
    {
        var safe = UrlRedaction.Redact(value);
        return safe.Length <= 200 ? safe : safe[..200] + "…";
    }

    private sealed class PrivateAddressException(string message) : Exception(message);
}
