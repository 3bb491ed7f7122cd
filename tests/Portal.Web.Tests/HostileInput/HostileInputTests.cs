using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Identity;

namespace Portal.Web.Tests.HostileInput;

/// <summary>
/// Runs the hostile-input corpus (<c>events.jsonc</c>, <c>uploads.jsonc</c> beside this file) over real HTTP: each row's
/// status, and for events the outcome and the field its reason names. Nothing may answer 5xx unless its row records that
/// as a known defect, and then the test pins today's status so the fix has to update the row.
/// </summary>
public sealed class HostileInputTests(HostileInputPortal portal) : IClassFixture<HostileInputPortal>
{
    private static readonly string Folder = Path.Combine(Api.EventTestSupport.RepoRoot, "tests", "Portal.Web.Tests", "HostileInput");
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    private static readonly JsonDocumentOptions Jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static TheoryData<string> EventCases => [.. Rows("events.jsonc").Select(r => (string)r["name"]!)];

    public static TheoryData<string> UploadCases => [.. Rows("uploads.jsonc").Select(r => (string)r["name"]!)];

    [Fact]
    public void EveryRowSaysWhatAndWhy()
    {
        var rows = Rows("events.jsonc").Concat(Rows("uploads.jsonc")).ToList();

        Assert.True(rows.Count >= 100, $"{rows.Count} rows");
        Assert.Equal(rows.Count, rows.Select(r => (string)r["name"]!).Distinct(StringComparer.Ordinal).Count());
        Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace((string?)r["reason"]), (string?)r["name"]));
        Assert.All(rows, r => Assert.True(r["status"] is not null, (string?)r["name"]));
    }

    [Theory]
    [MemberData(nameof(EventCases))]
    public async Task EventsEndpointAnswersTheRecordedStatus(string name)
    {
        var row = Rows("events.jsonc").Single(r => (string)r["name"]! == name);
        var body = EventBody(row, name);
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", (string?)row["contentType"] ?? "application/json");
        using var client = Client("ops@example.com");

        using var response = await client.PostAsync("/api/events", content);
        var text = await response.Content.ReadAsStringAsync();

        AssertStatus(row, response, text);
        if ((string?)row["event"] is { } outcome)
        {
            var events = JsonNode.Parse(text)!["events"]!.AsArray();
            var first = events[0]!;
            Assert.True((string?)first["status"] == outcome, $"{name}: expected '{outcome}', got {first.ToJsonString()}");
            if ((string?)row["path"] is { } path)
            {
                Assert.True(first["reasons"]!.AsArray().Any(r => (string?)r!["path"] == path), $"{name}: no reason names '{path}': {first.ToJsonString()}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(UploadCases))]
    public async Task PricingEndpointAnswersTheRecordedStatus(string name)
    {
        var row = Rows("uploads.jsonc").Single(r => (string)r["name"]! == name);
        using var content = UploadBody(row);
        using var client = Client("analyst@example.com");

        using var response = await client.PostAsync("/api/pricing/calculate", content);
        var text = await response.Content.ReadAsStringAsync();

        AssertStatus(row, response, text);
    }

    private HttpClient Client(string user)
    {
        var client = portal.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(3);
        client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}={user}");
        return client;
    }

    /// <summary>The row's status, or for a known defect the status recorded as seen today; a refusal is a JSON body that says why.</summary>
    private static void AssertStatus(JsonObject row, HttpResponseMessage response, string text)
    {
        var name = (string)row["name"]!;
        var expected = (int)row["status"]!;
        var actual = (int)response.StatusCode;
        if (row["known"] is JsonObject known)
        {
            var today = (int)known["status"]!;
            Assert.False(actual == expected, $"{name}: answers {actual} as the row wants; the known defect ({(string?)known["note"]}) is fixed: remove the row's \"known\" block.");
            Assert.True(actual == today, $"{name}: answers {actual}; the row records {today} today ({(string?)known["note"]}) and {expected} once fixed. {Shorten(text)}");
            return;
        }

        Assert.True(actual == expected, $"{name}: expected {expected} ({(string?)row["reason"]}), got {actual}: {Shorten(text)}");
        if (actual >= 400)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json",
                $"{name}: a refusal must say why in JSON, got '{response.Content.Headers.ContentType}': {Shorten(text)}");
            Assert.True(text.Length > 0 && JsonNode.Parse(text) is JsonObject, $"{name}: {Shorten(text)}");
        }
    }

    private static byte[] EventBody(JsonObject row, string name)
    {
        var slug = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        var counter = 0;
        JsonObject Unique(JsonObject e)
        {
            var n = counter++;
            e["id"] = $"hostile-{Run}-{slug}-{n}";
            e["detail"]!["productId"] = $"hp-{Run}-{slug}-{n}";
            if (e["detail"]!["saleId"] is not null)
            {
                e["detail"]!["saleId"] = $"hs-{Run}-{slug}-{n}";
            }

            return e;
        }

        if ((string?)row["text"] is { } text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if ((string?)row["recipe"] is { } recipe)
        {
            return HostileInputRecipes.Event(recipe, Unique);
        }

        var node = Unique(HostileInputRecipes.Example((string)row["from"]!));
        foreach (var (path, value) in row["set"]?.AsObject() ?? [])
        {
            var (parent, field) = Locate(node, path);
            parent[field] = value?.DeepClone();
        }

        foreach (var path in row["remove"]?.AsArray() ?? [])
        {
            var (parent, field) = Locate(node, (string)path!);
            parent.Remove(field);
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static (JsonObject Parent, string Field) Locate(JsonObject node, string path) =>
        path.StartsWith("detail.", StringComparison.Ordinal) ? (node["detail"]!.AsObject(), path["detail.".Length..]) : (node, path);

    private static HttpContent UploadBody(JsonObject row)
    {
        if ((string?)row["body"] is { } recipe)
        {
            return HostileInputRecipes.Body(recipe);
        }

        var form = new MultipartFormDataContent();
        var fileName = HostileInputRecipes.Value((string?)row["fileName"] ?? "photo.jpg");
        foreach (var image in row["images"]!.AsArray())
        {
            var part = new ByteArrayContent(HostileInputRecipes.Image((string)image!));
            part.Headers.ContentType = MediaTypeHeaderValue.Parse((string?)row["imageType"] ?? "image/jpeg");
            form.Add(part, "images", fileName);
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["category"] = "shoes", ["condition"] = "very_good" };
        foreach (var (field, value) in row["fields"]?.AsObject() ?? [])
        {
            fields[field] = (string?)value;
        }

        foreach (var (field, value) in fields)
        {
            if (value is not null)
            {
                form.Add(new StringContent(HostileInputRecipes.Value(value)), field);
            }
        }

        return form;
    }

    private static IReadOnlyList<JsonObject> Rows(string file) =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)), documentOptions: Jsonc)!.AsArray().Select(n => n!.AsObject())];

    private static string Shorten(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");
}
