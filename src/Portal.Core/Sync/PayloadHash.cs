using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Portal.Core.Sync;

/// <summary>The payload hash of the idempotency records: SHA-256 over a canonical JSON serialisation.</summary>
public static class PayloadHash
{
    /// <summary>
    /// Canonicalises <paramref name="payload"/> (object properties sorted ordinally by name, no whitespace, numbers exactly
    /// as written, strings re-escaped the same way whatever their original escaping) and returns its SHA-256 as lowercase hex.
    /// </summary>
    public static string Sha256OfCanonicalJson(JsonElement payload)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            Write(writer, payload);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                // OrderBy is stable: duplicate names keep their document order.
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonValueKind.Null:
                writer.WriteNullValue();
                break;
            default:
                throw new ArgumentException($"Cannot hash a JSON value of kind {element.ValueKind}.", nameof(element));
        }
    }
}
