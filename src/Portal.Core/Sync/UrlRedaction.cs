using System.Text.RegularExpressions;

namespace Portal.Core.Sync;

/// <summary>
/// The one way a URL is written to a log, a dead letter, an outcome or a page: scheme, host, port and path only. A query
/// string or fragment (presigned URLs carry <c>X-Amz-Signature</c> and credentials there) and user info are replaced, so a
/// photo URL can be told apart without its secrets.
/// </summary>
public static partial class UrlRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>The URL without user info, query string or fragment; text that is not an absolute URL is cut at the same places.</summary>
    public static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url ?? string.Empty;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !uri.IsFile && !string.IsNullOrEmpty(uri.Host))
        {
            var kept = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
            return kept
                + (uri.Query.Length > 0 ? "?" + Redacted : string.Empty)
                + (uri.Fragment.Length > 0 ? "#" + Redacted : string.Empty)
                + (uri.UserInfo.Length > 0 ? " (user info " + Redacted + ")" : string.Empty);
        }

        // Not parseable as an absolute URL: still drop anything that looks like user info, a query or a fragment.
        var text = UserInfo().Replace(url, "://" + Redacted + "@");
        var cut = text.IndexOfAny(['?', '#']);
        return cut < 0 ? text : text[..cut] + text[cut] + Redacted;
    }

    /// <summary>Every URL inside a free text (an error message, a reason) redacted by <see cref="Redact(string?)"/>.</summary>
    public static string RedactUrlsIn(string? text) =>
        string.IsNullOrEmpty(text) || !text.Contains("://", StringComparison.Ordinal)
            ? text ?? string.Empty
            : UrlInText().Replace(text, match =>
            {
                // Sentence punctuation after a URL stays outside it.
                var url = match.Value.TrimEnd('.', ',', ';', ':', ')', ']');
                return Redact(url) + match.Value[url.Length..];
            });

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.\-]*://[^\s""'<>]+", RegexOptions.CultureInvariant)]
    private static partial Regex UrlInText();

    [GeneratedRegex(@"://[^/?#@\s]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
