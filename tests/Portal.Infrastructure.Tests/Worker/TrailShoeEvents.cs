using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.Infrastructure.Tests.Worker;

/// <summary>EventBridge envelopes of one trail shoe listed then sold, as the marketplace publishes them, for the process tests.</summary>
internal static class TrailShoeEvents
{
    public static JsonObject Listed(string tenant, string productId, string category, DateTimeOffset time) =>
        Envelope("l-" + productId, "product.listed", time, new JsonObject
        {
            ["tenantId"] = tenant,
            ["productId"] = productId,
            ["category"] = category,
            ["brand"] = "Nordvik",
            ["condition"] = "very_good",
            ["title"] = "Trail shoes " + productId,
            ["askingPrice"] = 40,
            ["currency"] = "EUR",
        });

    public static JsonObject Sold(string tenant, string productId, string saleId, string category, string imageKey, DateTimeOffset time) =>
        Envelope("s-" + productId, "product.sold", time, new JsonObject
        {
            ["tenantId"] = tenant,
            ["productId"] = productId,
            ["saleId"] = saleId,
            ["category"] = category,
            ["brand"] = "Nordvik",
            ["condition"] = "very_good",
            ["title"] = "Trail shoes " + productId,
            ["soldPrice"] = 35.5,
            ["currency"] = "EUR",
            ["soldAt"] = Stamp(time),
            ["imageKey"] = imageKey,
        });

    private static JsonObject Envelope(string id, string detailType, DateTimeOffset time, JsonObject detail) => new()
    {
        ["version"] = "0",
        ["id"] = id,
        ["detail-type"] = detailType,
        ["source"] = "carousel.products",
        ["account"] = "111122223333",
        ["time"] = Stamp(time),
        ["region"] = "eu-west-1",
        ["resources"] = new JsonArray(),
        ["detail"] = detail,
    };

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
