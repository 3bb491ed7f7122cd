using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Portal.EndToEnd.Tests;

/// <summary>The published event examples (<c>docs/events/examples</c>) made fresh for a test, and posting them.</summary>
internal static class EventExamples
{
    /// <summary>A published example with a fresh id and the current time.</summary>
    public static JsonNode Example(string detailType)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "events", "examples", detailType + ".json")))!;
        node["id"] = Guid.NewGuid().ToString();
        node["time"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return node;
    }

    /// <summary>The listed example for another product, without photos.</summary>
    public static JsonNode Listed(string productId)
    {
        var envelope = Example("product.listed");
        var detail = envelope["detail"]!.AsObject();
        detail["productId"] = productId;
        detail.Remove("imageKeys");
        detail.Remove("imageUrls");
        return envelope;
    }

    /// <summary>Posts one envelope to <c>/api/events</c> as the page's signed-in user; the 202 answer's body.</summary>
    public static async Task<JsonElement> PostAsync(IAPIRequestContext api, Uri baseAddress, JsonNode envelope)
    {
        var response = await api.PostAsync(new Uri(baseAddress, "/api/events").ToString(), new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            DataString = envelope.ToJsonString(),
        });
        Assert.Equal(202, response.Status);
        return (await response.JsonAsync())!.Value;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Portal.sln was not found above the test binaries.");
    }
}
