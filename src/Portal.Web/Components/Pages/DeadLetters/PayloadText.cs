using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Sync;

namespace Portal.Web.Components.Pages.DeadLetters;

/// <summary>
/// A dead letter's payload for reading: pretty-printed when it is JSON, else as received, with every URL redacted (a presigned
/// photo URL's signature is not for the page). The stored payload, which a redrive sends, stays as it was.
/// </summary>
internal static class PayloadText
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Show the text as sent (accents, quotes); Blazor escapes it for the page.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static (string Text, bool IsJson) Format(string payload)
    {
        try
        {
            var node = JsonNode.Parse(payload, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            return node is null ? (UrlRedaction.RedactUrlsIn(payload), false) : (UrlRedaction.RedactUrlsIn(node.ToJsonString(Indented)), true);
        }
        catch (JsonException)
        {
            return (UrlRedaction.RedactUrlsIn(payload), false);
        }
    }
}
