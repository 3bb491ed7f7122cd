using System.Text.Json.Nodes;
using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

/// <summary>One generated event: a name that says how it was made, and the JSON text.</summary>
internal sealed record ContractVariant(string Name, string Json);

/// <summary>
/// Variants of the published examples for the contract's differential test: every envelope and detail field of every
/// detail-type set to null, removed, given the wrong JSON type, empty, blank, control characters, lengths on and over each
/// limit (in ASCII and in characters outside the BMP), pattern edges, bad prices and dates, plus unknown fields and seeded
/// random combinations of two or three of these. Deterministic: the same seed gives the same variants.
/// </summary>
internal static class EventContractVariants
{
    public const int Seed = 20_261_202;

    private const string Astral = "\U0001F45F"; // one code point, two UTF-16 units
    private static readonly string Hex64 = new('a', 64);
    private static readonly string Key = "demo/aa/" + Hex64 + ".jpg";

    private static readonly string[] Envelope = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"];

    private static readonly string[] DetailFields =
    [
        "tenantId", "productId", "category", "brand", "condition", "title", "description", "askingPrice", "currency",
        "imageKeys", "imageUrls", "saleId", "soldPrice", "soldAt", "imageKey", "imageUrl",
    ];

    /// <summary>Values every field gets, whatever its type.</summary>
    private static IEnumerable<(string Name, JsonNode? Value)> AnyField() =>
    [
        ("null", null), ("0", 0), ("1.5", 1.5m), ("true", true), ("false", false), ("{}", new JsonObject()), ("[]", new JsonArray()),
        ("[\"x\"]", new JsonArray("x")), ("\"\"", ""), ("\" \"", " "), ("\"x\"", "x"), ("nbsp", "\u00A0"), ("zero-width space", "\u200B"),
        ("NUL", "a\u0000b"), ("bell", "Shoes\u0007"), ("newline", "a\nb"), ("trailing newline", "shoes\n"), ("CRLF", "a\r\nb"),
        ("tab", "a\tb"), ("DEL", "a\u007Fb"), ("NEL", "a\u0085b"), ("line separator", "a\u2028b"), ("emoji", Astral),
        ("16,385 characters", new string('x', ProductEventLimits.MaxStringLength + 1)),
    ];

    /// <summary>Values aimed at one field's rule.</summary>
    private static IEnumerable<(string Name, JsonNode? Value)> Specific(string field) => field switch
    {
        "version" => [("\"1\"", "1"), ("\"0 \"", "0 "), ("0 as number", 0)],
        "source" => [("other", "evil.products"), ("upper case", "Carousel.Products")],
        "detail-type" => [("unknown", "product.exploded"), ("other case", "Product.Sold"), ("listed", "product.listed"), ("sold", "product.sold"), ("delisted", "product.delisted"), ("updated", "product.updated")],
        "id" or "productId" or "saleId" => SafeIds(),
        "tenantId" or "category" => Slugs(),
        "account" => Lengths(64),
        "region" => Lengths(32),
        "brand" => Lengths(ProductEventLimits.MaxBrandLength),
        "title" => Lengths(ProductEventLimits.MaxTitleLength),
        "description" => [.. Lengths(ProductEventLimits.MaxDescriptionLength), ("tabs and line breaks", "a\tb\r\nc\nd"), ("vertical tab", "a\u000Bb"), ("form feed", "a\u000Cb")],
        "condition" => [("good", "good"), ("new_with_tags", "new_with_tags"), ("Good", "Good"), ("mint", "mint"), ("good ", "good ")],
        "currency" => [("eur", "eur"), ("EURO", "EURO"), ("EU", "EU"), ("JPY", "JPY"), ("EUR newline", "EUR\n"), ("E1R", "E1R"), ("full-width", "ＥＵＲ")],
        "askingPrice" or "soldPrice" => Prices(),
        "time" or "soldAt" => Timestamps(),
        "resources" => [("10 entries", Strings(10, i => "arn:aws:x:" + i)), ("11 entries", Strings(11, i => "arn:aws:x:" + i)), ("null entry", new JsonArray(null, "a")),
            ("number entry", new JsonArray(JsonValue.Create(1))), ("16,384-character entry", new JsonArray(new string('r', 16_384))), ("16,385-character entry", new JsonArray(new string('r', 16_385))),
            ("string", "arn:aws:x")],
        "imageKey" => ImageKeys(),
        "imageKeys" => [("20 keys", Strings(20, _ => Key)), ("21 keys", Strings(21, _ => Key)), ("null key", new JsonArray((JsonNode?)null)), ("number key", new JsonArray(JsonValue.Create(7))),
            .. ImageKeys().Where(v => v.Value is not null).Select(v => ("one " + v.Name, (JsonNode?)new JsonArray(v.Value!.DeepClone())))],
        "imageUrl" => ImageUrls(),
        "imageUrls" => [("20 URLs", Strings(20, i => $"https://images.example/{i}.jpg")), ("21 URLs", Strings(21, i => $"https://images.example/{i}.jpg")), ("null URL", new JsonArray((JsonNode?)null)),
            .. ImageUrls().Where(v => v.Value is not null).Select(v => ("one " + v.Name, (JsonNode?)new JsonArray(v.Value!.DeepClone())))],
        "detail" => [("string", "{}"), ("array", new JsonArray())],
        _ => [],
    };

    private static IEnumerable<(string Name, JsonNode? Value)> SafeIds() =>
    [
        ("a", "a"), ("128 characters", new string('i', 128)), ("129 characters", new string('i', 129)), ("128 emoji", Repeat(Astral, 128)), ("129 emoji", Repeat(Astral, 129)),
        ("..", ".."), (".", "."), ("./a", "./a"), ("a..b", "a..b"), ("../x", "../x"), ("a/b", "a/b"), ("a\\b", "a\\b"), ("%2e%2e", "%2e%2e"), ("%2F", "a%2Fb"),
        (".hidden", ".hidden"), ("a.b", "a.b"), ("three spaces", "   "), ("ideographic space", "\u3000"), ("C1 control", "a\u0090"), ("/etc/passwd", "/etc/passwd"),
        ("C:\\", "C:\\x"), ("uuid", "c5d8a3e2-71f4-4b0a-9e36-2f1d0c9b8a77"),
    ];

    private static IEnumerable<(string Name, JsonNode? Value)> Slugs() =>
    [
        ("demo", "demo"), ("Demo", "Demo"), ("-demo", "-demo"), ("demo-", "demo-"), ("0", "0"), ("64 characters", new string('d', 64)), ("65 characters", new string('d', 65)),
        ("with ../", "shoes/../bags"), ("underscore", "de_mo"), ("trailing newline", "demo\n"), ("dotted", "de.mo"), ("accented", "démo"),
    ];

    private static IEnumerable<(string Name, JsonNode? Value)> Lengths(int max) =>
    [
        ($"{max} characters", new string('x', max)), ($"{max + 1} characters", new string('x', max + 1)),
        ($"{max} emoji", Repeat(Astral, max)), ($"{max + 1} emoji", Repeat(Astral, max + 1)),
        ($"{max - 1} characters and an emoji", new string('x', max - 1) + Astral),
    ];

    private static IEnumerable<(string Name, JsonNode? Value)> Prices() =>
    [
        ("0", 0), ("-0.01", -0.01m), ("-52.5", -52.5m), ("0.001", 0.001m), ("0.01", 0.01m), ("52", 52), ("1e-28", Number("1e-28")), ("1e-30", Number("1e-30")),
        ("1e-400", Number("1e-400")), ("10,000,000.01", 10_000_000.01m), ("1e9", 1_000_000_000m), ("999,999,999,999.99", 999_999_999_999.99m), ("1e12", Number("1e12")),
        ("1e12 + 0.01", 1_000_000_000_000.01m), ("1e400", Number("1e400")), ("-1e400", Number("-1e400")), ("5.25e1", Number("5.25e1")), ("\"52.50\"", "52.50"), ("\"NaN\"", "NaN"),
    ];

    private static IEnumerable<(string Name, JsonNode? Value)> Timestamps() =>
    [
        ("Z", "2026-11-25T11:02:41Z"), ("+01:00", "2026-11-25T12:02:41+01:00"), ("-00:00", "2026-11-25T11:02:41-00:00"), ("7 fraction digits", "2026-11-25T11:02:41.1234567Z"),
        ("8 fraction digits", "2026-11-25T11:02:41.12345678Z"), ("no offset", "2026-11-25T11:02:41"), ("lower-case t and z", "2026-11-25t11:02:41z"), ("space", "2026-11-25 11:02:41Z"),
        ("date only", "2026-11-25"), ("yesterday", "yesterday"), ("Feb 30", "2026-02-30T11:02:41Z"), ("Feb 29 leap", "2024-02-29T11:02:41Z"), ("Feb 29 not leap", "2026-02-29T11:02:41Z"),
        ("Feb 29 2000", "2000-02-29T00:00:00Z"), ("Feb 29 2100", "2100-02-29T00:00:00Z"), ("Apr 31", "2026-04-31T00:00:00Z"), ("month 13", "2026-13-01T00:00:00Z"), ("day 0", "2026-11-00T00:00:00Z"),
        ("hour 24", "2026-11-25T24:00:00Z"), ("leap second", "2026-12-31T23:59:60Z"), ("minute 60", "2026-11-25T11:60:00Z"), ("+14:00", "2026-11-25T11:02:41+14:00"),
        ("+14:01", "2026-11-25T11:02:41+14:01"), ("-13:59", "2026-11-25T11:02:41-13:59"), ("+15:00", "2026-11-25T11:02:41+15:00"), ("+01:60", "2026-11-25T11:02:41+01:60"),
        ("+0100", "2026-11-25T11:02:41+0100"), ("1970", "1970-01-01T00:00:00Z"), ("1999-12-31", "1999-12-31T23:59:59Z"), ("2000-01-01", "2000-01-01T00:00:00Z"),
        ("far future", "2999-01-01T00:00:00Z"), ("year 0000", "0000-01-01T00:00:00Z"), ("trailing newline", "2026-11-25T11:02:41Z\n"), ("Arabic-Indic digits", "٢٠٢٦-11-25T11:02:41Z"),
        ("epoch number", 1764068561),
    ];

    private static IEnumerable<(string Name, JsonNode? Value)> ImageKeys() =>
    [
        ("valid", Key), ("png", "demo/ab/" + Hex64 + ".png"), ("svg", "demo/ab/" + Hex64 + ".svg"), ("upper-case hex", "demo/AB/" + Hex64.ToUpperInvariant() + ".jpg"),
        ("../", "demo/../../etc/passwd"), ("%2e%2e", "demo/%2e%2e/" + Hex64 + ".jpg"), ("absolute", "/demo/aa/" + Hex64 + ".jpg"), ("backslashes", "demo\\aa\\" + Hex64 + ".jpg"),
        ("63 hex", "demo/aa/" + Hex64[..63] + ".jpg"), ("trailing newline", Key + "\n"), ("upper-case JPG", "demo/aa/" + Hex64 + ".JPG"),
    ];

    private static IEnumerable<(string Name, JsonNode? Value)> ImageUrls() =>
    [
        ("https", "https://images.example/a.jpg"), ("http with port", "http://127.0.0.1:8080/a.jpg?x=1#y"), ("host only", "https://images.example"),
        ("upper-case host", "https://Images.Example/a.jpg"), ("upper-case scheme", "HTTPS://images.example/a.jpg"), ("query with signature", "https://b.s3.example/k.jpg?X-Amz-Signature=abc&X-Amz-Date=1"),
        ("file", "file:///etc/passwd"), ("javascript", "javascript:alert(1)"), ("data", "data:image/png;base64,AAAA"), ("ftp", "ftp://images.example/a.jpg"),
        ("relative", "/images/a.jpg"), ("scheme-relative", "//images.example/a.jpg"), ("credentials", "https://admin:hunter2@images.example/a.jpg"), ("empty user info", "https://@images.example/a.jpg"),
        ("backslashes", "https:\\\\images.example\\a.jpg"), ("space in path", "https://images.example/a b.jpg"), ("tab", "https://images.example/a\tb.jpg"),
        ("port 65535", "https://images.example:65535/a.jpg"), ("port 65536", "https://images.example:65536/a.jpg"), ("empty port", "https://images.example:/a.jpg"),
        ("IPv6", "http://[::1]/a.jpg"), ("underscore host", "https://img_1.example/a.jpg"), ("trailing-dot host", "https://images.example./a.jpg"), ("dash-edged label", "https://-images.example/a.jpg"),
        ("unicode host", "https://bücher.example/a.jpg"), ("unicode path", "https://images.example/schuhé.jpg"), ("percent path", "https://images.example/%2e%2e/a.jpg"),
        ("2048 characters", "https://images.example/" + new string('p', 2048 - 23)), ("2049 characters", "https://images.example/" + new string('p', 2049 - 23)),
        ("trailing newline", "https://images.example/a.jpg\n"), ("http only", "http://"), ("empty host", "https:///a.jpg"),
    ];

    public static IReadOnlyList<ContractVariant> Generate()
    {
        var variants = new List<ContractVariant>();
        foreach (var type in ProductEventTypes.All)
        {
            variants.Add(new($"{type} as published", EventSamples.ExampleText(type)));
            foreach (var field in Envelope)
            {
                variants.Add(Make(type, $"{type} without {field}", e => e.Remove(field)));
                foreach (var (name, value) in AnyField().Concat(Specific(field)))
                {
                    variants.Add(Make(type, $"{type} {field} = {name}", e => e[field] = value?.DeepClone()));
                }
            }

            foreach (var field in DetailFields)
            {
                variants.Add(Make(type, $"{type} without detail.{field}", e => Detail(e).Remove(field)));
                foreach (var (name, value) in AnyField().Concat(Specific(field)))
                {
                    variants.Add(Make(type, $"{type} detail.{field} = {name}", e => Detail(e)[field] = value?.DeepClone()));
                }
            }

            variants.Add(Make(type, $"{type} with unknown envelope fields", e => { e["replay-name"] = "x\u0000"; e["extra"] = Nested(12); }));
            variants.Add(Make(type, $"{type} with unknown detail fields", e => { Detail(e)["colour"] = null; Detail(e)["size"] = new JsonArray(1, "\u0007", null); }));
            variants.Add(Make(type, $"{type} with an empty detail", e => e["detail"] = new JsonObject()));
        }

        variants.Add(new("top-level null", "null"));
        variants.Add(new("top-level array", "[]"));
        variants.Add(new("top-level string", "\"product.sold\""));
        variants.Add(new("top-level number", "42"));
        variants.Add(new("empty object", "{}"));

        // Seeded combinations: the rules must also agree when several fields are wrong (or right) at once.
        var random = new Random(Seed);
        var singles = variants.Where(v => v.Name.Contains(" = ", StringComparison.Ordinal) || v.Name.Contains(" without ", StringComparison.Ordinal)).ToList();
        for (var i = 0; i < 300; i++)
        {
            var type = ProductEventTypes.All[random.Next(ProductEventTypes.All.Count)];
            var count = random.Next(2, 4);
            var changes = Enumerable.Range(0, count).Select(_ => PickChange(random)).ToList();
            variants.Add(Make(type, $"{type} with " + string.Join(" and ", changes.Select(c => c.Name)), e =>
            {
                foreach (var change in changes)
                {
                    change.Apply(e);
                }
            }));
        }

        return variants;
    }

    private static (string Name, Action<JsonObject> Apply) PickChange(Random random)
    {
        var inDetail = random.Next(3) > 0;
        var field = inDetail ? DetailFields[random.Next(DetailFields.Length)] : Envelope[random.Next(Envelope.Length)];
        var values = AnyField().Concat(Specific(field)).ToList();
        var pick = random.Next(values.Count + 1);
        var label = inDetail ? "detail." + field : field;
        if (pick == values.Count)
        {
            return ($"no {label}", e => (inDetail ? Detail(e) : e)?.Remove(field));
        }

        var (name, value) = values[pick];
        return ($"{label} = {name}", e =>
        {
            var target = inDetail ? Detail(e) : e;
            if (target is not null)
            {
                target[field] = value?.DeepClone();
            }
        });
    }

    private static ContractVariant Make(string type, string name, Action<JsonObject> change)
    {
        var node = EventSamples.Example(type);
        change(node);
        FollowTheTenant(node);
        return new(name, node.ToJsonString());
    }

    /// <summary>
    /// A key must belong to the event's tenant, a rule between two fields that no schema can state: when a variant moves
    /// the event to another valid tenant, the example's keys move with it, so the variant still tests what it names.
    /// </summary>
    private static void FollowTheTenant(JsonObject node)
    {
        if (node["detail"] is not JsonObject detail || detail["tenantId"] is not JsonValue value || !value.TryGetValue<string>(out var tenant)
            || tenant == "demo" || !System.Text.RegularExpressions.Regex.IsMatch(tenant, @"^[a-z0-9][a-z0-9-]{0,63}\z"))
        {
            return;
        }

        static JsonNode? Move(JsonNode? key, string tenant) =>
            key is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith("demo/", StringComparison.Ordinal) ? tenant + text["demo".Length..] : key?.DeepClone();

        if (detail["imageKey"] is JsonValue)
        {
            detail["imageKey"] = Move(detail["imageKey"], tenant);
        }

        if (detail["imageKeys"] is JsonArray keys)
        {
            detail["imageKeys"] = new JsonArray([.. keys.Select(k => Move(k, tenant))]);
        }
    }

    private static JsonObject Detail(JsonObject e) => e["detail"] as JsonObject ?? new JsonObject();

    private static JsonNode Number(string literal) => JsonNode.Parse(literal)!;

    private static JsonArray Strings(int count, Func<int, string> item) => [.. Enumerable.Range(0, count).Select(i => (JsonNode?)item(i))];

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    private static JsonNode Nested(int depth)
    {
        JsonNode node = "leaf";
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["n"] = node };
        }

        return node;
    }
}
