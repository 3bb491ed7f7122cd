using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Microsoft.Playwright;
using Portal.Infrastructure.Demo;
using Portal.Testing.Aws;

namespace Portal.EndToEnd.Tests.Aws;

/// <summary>
/// The issue's AWS scenario in one run: provision, ingest events, price an item, open the trends — on dynalite, s3rver and
/// the signature-checking fakes — then a Bedrock timeout, which the suggestion survives on the local assessor and says so.
/// </summary>
[Collection(AwsPortalServerCollection.Name)]
public sealed class AwsProviderTests(AwsPortalServer server)
{
    private const string ShoeImageKey = "demo/26/26660ceb9c09116691af2b098983f583bd30931f680b94f6a88302605a6179b5.jpg";
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

    [SkippableFact]
    public async Task OnAwsTheTablesAreProvisionedEventsLandInDynamoDbAndS3ThePhotoIsPricedAndTheTrendsComeFromAthena()
    {
        Skip.IfNot(PortalHost.ChromiumAvailable, $"Chromium is not installed at {PortalHost.ChromiumPath} (apt-get install chromium).");

        // Provision: every table named, and a second run changes nothing.
        foreach (var table in new[] { "sales-intelligence-e2e", "portal-sync-e2e", "portal-operations-e2e" })
        {
            Assert.Contains(server.ProvisioningOutput, line => line.Contains(table, StringComparison.Ordinal));
        }

        Assert.Contains(await server.ProvisionAsync(), line => line.Contains("nothing changed", StringComparison.Ordinal));

        // Ingest: three sold shoes with the bundled photo, through the events API of a signed-in admin.
        var page = await server.OpenAsAsync("admin@example.com", "/");
        var api = page.Context.APIRequest;
        var saleIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var productId = $"p-aws-{RunId}-{i}";
            Assert.Equal("accepted", await PostEventAsync(api, EventExamples.Listed(productId)));
            Assert.Equal("accepted", await PostEventAsync(api, Sold(productId, 40 + i * 5)));
            saleIds.Add($"s-{productId}");
        }

        // The sales are items of the seed's table, each with its embedding as a Binary attribute.
        using (var dynamo = new AmazonDynamoDBClient(AwsPortalServer.Credentials(), new AmazonDynamoDBConfig
        {
            ServiceURL = server.DynamoDbServiceUrl,
            AuthenticationRegion = TestAwsKeys.Region,
        }))
        {
            var items = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = "sales-intelligence-e2e",
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue($"TENANT#demo#PRODUCT#p-aws-{RunId}-0") },
            });
            var sale = Assert.Single(items.Items);
            Assert.StartsWith("SALE#", sale["sk"].S, StringComparison.Ordinal);
            Assert.True(sale.Values.Any(v => v.B is { Length: > 0 }), "the sale item has no binary embedding");
        }

        // Price the same photo: the three sales are its comparables, and Nova Lite assessed the photo.
        var suggestion = await PriceAsync(api, DemoSamples.ShoePhoto.ToArray(), "shoe.jpg");
        var comparables = suggestion.GetProperty("comparables").EnumerateArray().Select(c => c.GetProperty("saleId").GetString()).ToList();
        Assert.All(saleIds, id => Assert.Contains(id, comparables));
        Assert.StartsWith("amazon.titan-embed-image-v1", suggestion.GetProperty("embeddingModel").GetString(), StringComparison.Ordinal);
        Assert.Contains("Nova", suggestion.GetProperty("adjustments").GetProperty("qualityAssessor").GetString(), StringComparison.OrdinalIgnoreCase);

        // The lake writer put the sales into S3 as Parquet under the seed's partitions.
        var month = DateTimeOffset.UtcNow;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"sales_history/tenant_id=demo/year={month.Year}/month={month.Month}/");
        await WaitUntilAsync(async () => (await server.S3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = AwsPortalServer.Bucket,
            Prefix = prefix,
        })).S3Objects?.Any(o => o.Key.EndsWith(".parquet", StringComparison.Ordinal)) == true, "a Parquet file under " + prefix);

        // The trends, as a manager: the charts drawn from Athena's answers (the small demo tenant has no brand with the
        // brand panel's ten sales in 90 days, so that panel answers with its empty state rather than a chart).
        var athenaQueriesBefore = server.Athena.Queries.Count;
        var trends = await server.OpenAsAsync("manager@example.com", "/trends");
        foreach (var panel in new[] { "panel-monthly", "panel-seasonal", "panel-histogram" })
        {
            try
            {
                await trends.WaitForSelectorAsync($"[data-testid={panel}] svg.apexcharts-svg", new() { Timeout = 60_000 });
            }
            catch (TimeoutException)
            {
                var failed = server.Athena.Queries.Where(q => q.State != "SUCCEEDED").Select(q => $"{q.State}: {q.StateChangeReason} in {q.Sql}");
                throw new TimeoutException($"{panel} drew no chart. Athena queries not succeeded: {string.Join(" | ", failed)}");
            }
        }

        Assert.True(server.Athena.Queries.Count >= athenaQueriesBefore + 4, "the trends did not query Athena");
        await PortalHost.ScreenshotAsync(trends, "aws-trends");

        // Bedrock times out: the price still comes, from the local assessor, and says so.
        server.Bedrock.NovaDelay = TimeSpan.FromSeconds(6);
        try
        {
            // Another real shoe photo, which the quality cache has not seen, so Nova Lite is asked again.
            var fallback = await PriceAsync(api, RealPhotos.Demo("shoes", 2), "other-shoe.jpg");
            Assert.Contains("fallback", fallback.GetProperty("adjustments").GetProperty("qualityAssessor").GetString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            server.Bedrock.NovaDelay = TimeSpan.Zero;
        }
    }

    private async Task<JsonElement> PriceAsync(IAPIRequestContext api, byte[] photo, string name)
    {
        var form = api.CreateFormData();
        form.Append("images", new FilePayload { Name = name, MimeType = "image/jpeg", Buffer = photo });
        form.Append("category", "shoes");
        form.Append("condition", "very_good");
        // The demo resells this very photo too: the sold events' brand and title make their sales the closest comparables.
        form.Append("brand", "Nordvik");
        form.Append("title", "Nordvik black leather derby shoes, size 42");
        var response = await api.PostAsync(new Uri(server.BaseAddress, "/api/pricing/calculate").ToString(), new APIRequestContextOptions { Multipart = form });
        Assert.True(response.Status == 200, $"pricing answered {response.Status}: {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private async Task<string?> PostEventAsync(IAPIRequestContext api, JsonNode envelope) =>
        Assert.Single((await EventExamples.PostAsync(api, server.BaseAddress, envelope)).GetProperty("events").EnumerateArray()).GetProperty("status").GetString();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(250);
        }
    }

    private static JsonNode Sold(string productId, decimal price)
    {
        var envelope = EventExamples.Example("product.sold");
        var detail = envelope["detail"]!.AsObject();
        detail["productId"] = productId;
        detail["saleId"] = $"s-{productId}";
        detail["soldPrice"] = price;
        detail["soldAt"] = envelope["time"]!.GetValue<string>();
        detail["imageKey"] = ShoeImageKey;
        return envelope;
    }
}
