using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Portal.Core.Jobs;

namespace Portal.Infrastructure.Http;

/// <summary>POSTs each alert as JSON to <see cref="AlertOptions.WebhookUrl"/>; a non-success status or a timeout throws.</summary>
public sealed class WebhookAlertSink : IAlertSink, IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _endpoint;

    public WebhookAlertSink(AlertOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = options.WebhookUri ?? throw new ArgumentException("Alerts:WebhookUrl is not set.", nameof(options));
        _client = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            Timeout = options.WebhookTimeout,
        };
    }

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var payload = new WebhookAlert(alert.Source, alert.Severity.ToString(), alert.Title, alert.Message, alert.Tenant?.Value, alert.RaisedAt, alert.DetailUrl);
        using var response = await _client.PostAsJsonAsync(_endpoint, payload, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The URL is a secret: report the status only.
            throw new HttpRequestException($"The alert webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The webhook's JSON body (snake_case, severity as text).</summary>
    public sealed record WebhookAlert(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("severity")] string Severity,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("tenant_id")] string? TenantId,
        [property: JsonPropertyName("raised_at")] DateTimeOffset RaisedAt,
        [property: JsonPropertyName("detail_url")] string? DetailUrl);
}
