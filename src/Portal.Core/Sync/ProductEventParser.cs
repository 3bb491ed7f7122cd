using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;

namespace Portal.Core.Sync;

/// <summary>
/// Reads product events strictly: size and depth limits, duplicate keys refused, and every wrong JSON type
/// reported as a field error instead of an exception. Business rules live in <see cref="ProductEventValidator"/>.
/// </summary>
public static partial class ProductEventParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = ProductEventLimits.MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Parses one envelope. On failure <paramref name="productEvent"/> is null and <paramref name="errors"/> says why.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out ProductEvent? productEvent, out IReadOnlyList<EventError> errors)
    {
        productEvent = null;
        if (json.Length > ProductEventLimits.MaxEventBytes)
        {
            errors = [new(EventError.Document, $"Event is {json.Length} bytes; the limit is {ProductEventLimits.MaxEventBytes}.")];
            return false;
        }

        using var document = TryParseDocument(json, out var documentError);
        if (document is null)
        {
            errors = [documentError!];
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            errors = [new(EventError.Document, $"An event must be a JSON object, not {Describe(document.RootElement.ValueKind)}.")];
            return false;
        }

        return TryParseElement(document.RootElement, out productEvent, out errors);
    }

    /// <summary>
    /// Parses a single envelope or a JSON array of up to <see cref="ProductEventLimits.MaxBatchEvents"/>.
    /// Each event is parsed and, when a <paramref name="validator"/> is given, validated on its own:
    /// a bad event is rejected without taking its neighbours down.
    /// </summary>
    public static ProductEventBatch ParseBatch(ReadOnlySpan<byte> json, IValidator<ProductEvent>? validator = null)
    {
        if (json.Length > ProductEventLimits.MaxBatchBytes)
        {
            return ProductEventBatch.Failed(new(EventError.Document, $"Batch is {json.Length} bytes; the limit is {ProductEventLimits.MaxBatchBytes}."));
        }

        using var document = TryParseDocument(json, out var documentError);
        if (document is null)
        {
            return ProductEventBatch.Failed(documentError!);
        }

        var root = document.RootElement;
        List<JsonElement> elements;
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                elements = [root];
                break;
            case JsonValueKind.Array:
                var count = root.GetArrayLength();
                if (count > ProductEventLimits.MaxBatchEvents)
                {
                    return ProductEventBatch.Failed(new(EventError.Document, $"Batch has {count} events; the limit is {ProductEventLimits.MaxBatchEvents}."));
                }

                if (count == 0)
                {
                    return ProductEventBatch.Failed(new(EventError.Document, "Batch is empty."));
                }

                elements = [.. root.EnumerateArray()];
                break;
            default:
                return ProductEventBatch.Failed(new(EventError.Document, $"Expected an event object or an array of events, not {Describe(root.ValueKind)}."));
        }

        var accepted = new List<ProductEvent>(elements.Count);
        var rejected = new List<RejectedEvent>();
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            var id = element.ValueKind == JsonValueKind.Object
                && element.TryGetProperty("id", out var idElement)
                && idElement.ValueKind == JsonValueKind.String
                && idElement.RawByteLength() <= ProductEventLimits.MaxIdLength
                ? idElement.GetString()
                : null;

            var size = JsonMarshal.GetRawUtf8Value(element).Length;
            if (size > ProductEventLimits.MaxEventBytes)
            {
                rejected.Add(new(i, id, [new(EventError.Document, $"Event is {size} bytes; the limit is {ProductEventLimits.MaxEventBytes}.")]));
                continue;
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                rejected.Add(new(i, null, [new(EventError.Document, $"An event must be a JSON object, not {Describe(element.ValueKind)}.")]));
                continue;
            }

            if (!TryParseElement(element, out var productEvent, out var errors))
            {
                rejected.Add(new(i, id, errors));
                continue;
            }

            if (validator is not null)
            {
                var result = validator.Validate(productEvent!);
                if (!result.IsValid)
                {
                    rejected.Add(new(i, id, ProductEventValidator.ToEventErrors(result)));
                    continue;
                }
            }

            accepted.Add(productEvent!);
        }

        return new(accepted, rejected, []);
    }

    private static JsonDocument? TryParseDocument(ReadOnlySpan<byte> json, out EventError? error)
    {
        error = null;
        if (json.IsEmpty)
        {
            error = new(EventError.Document, "Body is empty.");
            return null;
        }

        try
        {
            return JsonDocument.Parse(json.ToArray(), DocumentOptions);
        }
        catch (JsonException ex)
        {
            error = new(EventError.Document, $"Malformed JSON: {Truncate(ex.Message, 240)}");
            return null;
        }
    }

    private static bool TryParseElement(JsonElement root, out ProductEvent? productEvent, out IReadOnlyList<EventError> errors)
    {
        productEvent = null;
        var reader = new FieldReader();

        var version = reader.String(root, "version", "version", required: true);
        var id = reader.String(root, "id", "id", required: true);
        var detailType = reader.String(root, "detail-type", "detail-type", required: true);
        var type = default(ProductEventType);
        if (detailType is not null && !ProductEventTypes.TryParse(detailType, out type))
        {
            reader.Add("detail-type", $"{Quote(detailType)} is not a known detail-type; expected one of {string.Join(", ", ProductEventTypes.All)}.");
        }

        var source = reader.String(root, "source", "source", required: true);
        var account = reader.String(root, "account", "account", required: false);
        var time = reader.Timestamp(root, "time", "time", required: true);
        var region = reader.String(root, "region", "region", required: false);
        var resources = reader.StringArray(root, "resources", "resources");

        ProductEventDetail? detail = null;
        if (!FieldReader.TryGet(root, "detail", out var detailElement))
        {
            reader.Add("detail", "is required.");
        }
        else if (detailElement.ValueKind != JsonValueKind.Object)
        {
            reader.Add("detail", $"must be an object, not {Describe(detailElement.ValueKind)}.");
        }
        else
        {
            detail = ReadDetail(detailElement, reader);
        }

        errors = reader.Errors;
        if (errors.Count > 0)
        {
            return false;
        }

        productEvent = new ProductEvent
        {
            Version = version!,
            Id = id!,
            DetailType = detailType!,
            Type = type,
            Source = source!,
            Account = account,
            Time = time!.Value,
            Region = region,
            Resources = resources ?? [],
            Detail = detail!,
        };
        return true;
    }

    private static ProductEventDetail ReadDetail(JsonElement d, FieldReader r) => new()
    {
        TenantId = r.String(d, "tenantId", "detail.tenantId", required: false),
        ProductId = r.String(d, "productId", "detail.productId", required: false),
        Category = r.String(d, "category", "detail.category", required: false),
        Brand = r.String(d, "brand", "detail.brand", required: false),
        Condition = r.String(d, "condition", "detail.condition", required: false),
        Title = r.String(d, "title", "detail.title", required: false),
        Description = r.String(d, "description", "detail.description", required: false),
        AskingPrice = r.Decimal(d, "askingPrice", "detail.askingPrice"),
        Currency = r.String(d, "currency", "detail.currency", required: false),
        ImageKeys = r.StringArray(d, "imageKeys", "detail.imageKeys"),
        ImageUrls = r.StringArray(d, "imageUrls", "detail.imageUrls"),
        SaleId = r.String(d, "saleId", "detail.saleId", required: false),
        SoldPrice = r.Decimal(d, "soldPrice", "detail.soldPrice"),
        SoldAt = r.Timestamp(d, "soldAt", "detail.soldAt", required: false),
        ImageKey = r.String(d, "imageKey", "detail.imageKey", required: false),
        ImageUrl = r.String(d, "imageUrl", "detail.imageUrl", required: false),
    };

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Quotes a value for an error message: short, with control characters escaped, never the whole of a hostile string.</summary>
    internal static string Quote(string value)
    {
        var shown = Truncate(value, 64);
        var builder = new System.Text.StringBuilder(shown.Length + 2).Append('\'');
        foreach (var c in shown)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.Append('\'').ToString();
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");

    private static int RawByteLength(this JsonElement element) => JsonMarshal.GetRawUtf8Value(element).Length;

    // ASCII digits only (\d would take any script's), and \z: $ would also match before a final line feed.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex Rfc3339();

    private sealed class FieldReader
    {
        public List<EventError> Errors { get; } = [];

        public void Add(string path, string message) => Errors.Add(new(path, message));

        public static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
            obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        public string? String(JsonElement obj, string name, string path, bool required)
        {
            if (!TryGet(obj, name, out var value))
            {
                if (required)
                {
                    Add(path, "is required.");
                }

                return null;
            }

            return AsString(value, path);
        }

        private string? AsString(JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Add(path, $"must be a string, not {Describe(value.ValueKind)}.");
                return null;
            }

            // Cheap upper bound before materialising: the escaped UTF-8 length (at most 12 bytes per code point, "\ud83d\udc5f").
            if (JsonMarshal.GetRawUtf8Value(value).Length > ProductEventLimits.MaxStringLength * 12)
            {
                Add(path, $"is too long; no string may exceed {ProductEventLimits.MaxStringLength} characters.");
                return null;
            }

            string text;
            try
            {
                text = value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                Add(path, "is not valid UTF-8.");
                return null;
            }

            var length = EventText.Length(text);
            if (length > ProductEventLimits.MaxStringLength)
            {
                Add(path, $"is {length} characters; no string may exceed {ProductEventLimits.MaxStringLength}.");
                return null;
            }

            return text;
        }

        public decimal? Decimal(JsonElement obj, string name, string path)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                Add(path, $"must be a JSON number, not {Describe(value.ValueKind)}.");
                return null;
            }

            if (!value.TryGetDecimal(out var number))
            {
                Add(path, "is outside the range of a decimal number.");
                return null;
            }

            return number;
        }

        public DateTimeOffset? Timestamp(JsonElement obj, string name, string path, bool required)
        {
            var text = String(obj, name, path, required);
            if (text is null)
            {
                return null;
            }

            if (!Rfc3339().IsMatch(text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                Add(path, $"{Quote(text)} is not an RFC 3339 timestamp with an offset (2026-11-28T15:20:00Z).");
                return null;
            }

            return at.ToUniversalTime();
        }

        public IReadOnlyList<string>? StringArray(JsonElement obj, string name, string path)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(path, $"must be an array of strings, not {Describe(value.ValueKind)}.");
                return null;
            }

            var items = new List<string>(value.GetArrayLength());
            var index = 0;
            var ok = true;
            foreach (var item in value.EnumerateArray())
            {
                var text = AsString(item, $"{path}[{index++}]");
                if (text is null)
                {
                    ok = false;
                }
                else
                {
                    items.Add(text);
                }
            }

            return ok ? items : null;
        }
    }
}
