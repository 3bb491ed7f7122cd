using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Jobs;

/// <summary>Section <c>Alerts</c>. The webhook URL usually embeds a token: set it from the environment (<c>Alerts__WebhookUrl</c>), never in a file.</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string SectionName = "Alerts";

    /// <summary>Absolute http(s) URL that receives each alert as a JSON POST; empty = no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>How long one webhook POST may take.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The webhook as a URI; null when none is set or the text is not an absolute URI (validation reports that).</summary>
    public Uri? WebhookUri => Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) ? uri : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(WebhookUrl)
            && (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            // The URL itself is not echoed: it is a secret.
            yield return new ValidationResult("Alerts:WebhookUrl must be an absolute http or https URL.", [nameof(WebhookUrl)]);
        }

        if (WebhookTimeout <= TimeSpan.Zero || WebhookTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Alerts:WebhookTimeout must be between 0 and 5 minutes.", [nameof(WebhookTimeout)]);
        }
    }
}
