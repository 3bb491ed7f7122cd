using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Portal.Infrastructure.Aws.ParameterStore;

/// <summary>
/// Every parameter under <see cref="ParameterStoreOptions.Path"/> (recursive, SecureStrings decrypted, all pages) as a
/// configuration key: the path is cut off and the remaining <c>/</c> become <c>:</c>. Loaded once when configuration is built
/// — a failure there stops the start with a message naming <c>Aws:ParameterStore:Path</c> — and, when a reload interval is set,
/// read again periodically; a failed reload keeps the last values. Values never appear in messages or logs.
/// </summary>
public sealed class ParameterStoreConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly ParameterStoreOptions _options;
    private readonly IAmazonSimpleSystemsManagement _client;
    private readonly ITimer? _reloadTimer;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private bool _loaded;

    public ParameterStoreConfigurationProvider(ParameterStoreOptions options, IAmazonSimpleSystemsManagement client, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _client = client;
        if (options.ReloadInterval is { } interval)
        {
            _reloadTimer = time.CreateTimer(_ => _ = ReloadAsync(CancellationToken.None), null, interval, interval);
        }
    }

    /// <summary>The reason the last periodic reload failed (no values in it), or null after a successful one.</summary>
    public string? LastReloadError { get; private set; }

    /// <summary>Completed reloads that changed nothing or something (tests wait on this instead of on time).</summary>
    public int ReloadCount { get; private set; }

    public override void Load()
    {
        if (_loaded)
        {
            return; // ConfigurationManager may call Load again on Reload(); the timer keeps values current.
        }

        try
        {
            // Configuration is built synchronously; this runs once at start, before any request.
            Data = LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
            _loaded = true;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"{ParameterStoreOptions.PathKey} is '{_options.Path}' but its parameters could not be loaded from AWS Systems Manager Parameter Store: {Describe(ex)}", ex);
        }
    }

    /// <summary>Reads the parameters again; when they differ, replaces the data and signals a configuration reload.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        if (!await _reloading.WaitAsync(0, cancellationToken))
        {
            return; // a slow reload is still running
        }

        try
        {
            var fresh = await LoadAsync(cancellationToken);
            LastReloadError = null;
            var changed = fresh.Count != Data.Count || fresh.Any(p => !Data.TryGetValue(p.Key, out var old) || !string.Equals(old, p.Value, StringComparison.Ordinal));
            if (changed)
            {
                Data = fresh;
                OnReload();
            }
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or TaskCanceledException)
        {
            LastReloadError = Describe(ex);
        }
        finally
        {
            ReloadCount++;
            _reloading.Release();
        }
    }

    /// <summary><c>/pricing-portal/prod/Alerts/WebhookUri</c> under <c>/pricing-portal/prod/</c> → <c>Alerts:WebhookUri</c>.</summary>
    public static string? ToConfigurationKey(string path, string parameterName)
    {
        var root = path.EndsWith('/') ? path : path + "/";
        if (!parameterName.StartsWith(root, StringComparison.Ordinal) || parameterName.Length == root.Length)
        {
            return null;
        }

        return string.Join(ConfigurationPath.KeyDelimiter, parameterName[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Dispose()
    {
        _reloadTimer?.Dispose();
        _reloading.Dispose();
        _client.Dispose();
    }

    private async Task<Dictionary<string, string?>> LoadAsync(CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        string? nextToken = null;
        do
        {
            var page = await _client.GetParametersByPathAsync(new GetParametersByPathRequest
            {
                Path = _options.Path,
                Recursive = true,
                WithDecryption = true,
                MaxResults = 10,
                NextToken = nextToken,
            }, cancellationToken);
            foreach (var parameter in page.Parameters ?? [])
            {
                if (ToConfigurationKey(_options.Path, parameter.Name) is { Length: > 0 } key)
                {
                    data[key] = parameter.Value;
                }
            }

            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        return data;
    }

    // The service's error code and message only: they name the operation and the cause, never a parameter value.
    private static string Describe(Exception ex) => ex is AmazonServiceException service
        ? $"{service.ErrorCode ?? service.GetType().Name} ({(int)service.StatusCode}): {service.Message}"
        : $"{ex.GetType().Name}: {ex.Message}";
}
