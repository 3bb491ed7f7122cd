using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Api.Batches;

[Collection(PortalCollection.Name)]
public sealed class BatchApiTests(PortalFactory factory)
{
    private HttpClient Client(string? asUser = null)
    {
        var client = factory.CreateClient();
        if (asUser is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}={asUser}");
        }

        return client;
    }

    [Fact]
    public async Task ACsvWithAZipIsAcceptedWithItsStatusUrlAndPricedInTheBackground()
    {
        using var client = Client();
        var response = await client.PostAsync("/api/pricing/batches", BatchUploads.ShoesWithOneMissing(3));
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = accepted.GetProperty("id").GetString();
        Assert.EndsWith($"/api/pricing/batches/{id}", response.Headers.Location!.ToString());
        Assert.Equal(4, accepted.GetProperty("counts").GetProperty("total").GetInt32());
        var problem = Assert.Single(accepted.GetProperty("problems").EnumerateArray());
        Assert.Equal(5, problem.GetProperty("line").GetInt32());
        Assert.Contains("'absent.jpg' is not in the zip", problem.GetProperty("error").GetString());

        var done = await BatchUploads.WaitUntilCompletedAsync(client, response.Headers.Location!);
        Assert.Equal(1.0, done.GetProperty("progress").GetDouble());
        Assert.Equal(3, done.GetProperty("counts").GetProperty("priced").GetInt32());
        Assert.Equal(1, done.GetProperty("counts").GetProperty("invalid").GetInt32());

        var rows = await client.GetFromJsonAsync<JsonElement>($"/api/pricing/batches/{id}/results");
        Assert.Equal([2, 3, 4, 5], rows.EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));
        var priced = rows[0];
        Assert.Equal("priced", priced.GetProperty("status").GetString());
        Assert.True(priced.GetProperty("price").GetDecimal() > 0);
        Assert.Contains(priced.GetProperty("verdict").GetString(), new[] { "strong", "weak", "none" });
        Assert.Equal("invalid", rows[3].GetProperty("status").GetString());
    }

    [Fact]
    public async Task ResultsComeAsCsvByAcceptHeaderOrFormat()
    {
        using var client = Client();
        var status = await BatchUploads.SubmitAsync(client, BatchUploads.ShoesWithOneMissing(1));
        await BatchUploads.WaitUntilCompletedAsync(client, status);

        var byFormat = await client.GetAsync(status + "/results?format=csv");
        using var request = new HttpRequestMessage(HttpMethod.Get, status + "/results");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var byAccept = await client.SendAsync(request);

        foreach (var response in new[] { byFormat, byAccept })
        {
            Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("line,image,category,condition,brand,title,status,price", lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("3,absent.jpg,shoes,good,,,invalid,", lines[2]);
        }
    }

    [Fact]
    public async Task PhotosWithOneCategoryAndConditionAreABatch()
    {
        using var client = Client();
        var form = new MultipartFormDataContent();
        foreach (var (file, bytes) in BatchUploads.Photos("shoes", 2, skip: 3))
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "photos", file);
        }

        form.Add(new StringContent("shoes"), "category");
        form.Add(new StringContent("good"), "condition");

        var done = await BatchUploads.WaitUntilCompletedAsync(client, await BatchUploads.SubmitAsync(client, form));
        Assert.Equal(2, done.GetProperty("counts").GetProperty("priced").GetInt32());
    }

    [Fact]
    public async Task AcceptingStrongMatchesTwiceRecordsThemOnce()
    {
        using var client = Client();
        var status = await BatchUploads.SubmitAsync(client, BatchUploads.ShoesWithOneMissing(3));
        await BatchUploads.WaitUntilCompletedAsync(client, status);
        var strong = (await client.GetFromJsonAsync<JsonElement>(status + "/results")).EnumerateArray().Count(r => r.GetProperty("verdict").GetString() == "strong");

        var first = await client.PostAsync(status + "/accept-strong", null);
        var second = await client.PostAsync(status + "/accept-strong", null);

        Assert.Equal(strong, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.Equal(0, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        var rows = await client.GetFromJsonAsync<JsonElement>(status + "/results");
        Assert.Equal(strong, rows.EnumerateArray().Count(r => r.GetProperty("decisionId").ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task AnotherTenantsBatchIsNotFoundAnywhere()
    {
        using var demo = Client();
        var status = await BatchUploads.SubmitAsync(demo, BatchUploads.ShoesWithOneMissing(1));
        var id = status.ToString().Split('/')[^1];
        using var other = Client("other.analyst@example.com");

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(status)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(status + "/results")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(status + "/results?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync(status + "/accept-strong", null)).StatusCode);
        var list = await other.GetFromJsonAsync<JsonElement>("/api/pricing/batches");
        Assert.DoesNotContain(list.EnumerateArray(), b => b.GetProperty("id").GetString() == id);
        // The positive control: the batch is there for its own tenant.
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync(status)).StatusCode);
        Assert.Contains((await demo.GetFromJsonAsync<JsonElement>("/api/pricing/batches")).EnumerateArray(), b => b.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task AnythingButAFormIs415()
    {
        using var client = Client();
        var response = await client.PostAsync("/api/pricing/batches", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AFormWithNeitherCsvAndZipNorPhotosIs400()
    {
        using var client = Client();
        var form = new MultipartFormDataContent { { new StringContent("shoes"), "category" } };

        var response = await client.PostAsync("/api/pricing/batches", form);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'csv' and 'zip'", problem.GetProperty("errors").GetProperty("form")[0].GetString());
    }

    [Fact]
    public async Task AZipEntryThatClimbsOutIs400AndNothingIsStored()
    {
        using var client = Client();
        var photo = BatchUploads.Photos("shoes", 1)[0];
        var before = (await client.GetFromJsonAsync<JsonElement>("/api/pricing/batches")).GetArrayLength();

        var response = await client.PostAsync("/api/pricing/batches",
            BatchUploads.CsvWithZip($"image,category,condition\n{photo.File},shoes,good\n", BatchUploads.Zip([photo, ("../../evil.jpg", photo.Bytes)])));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'../../evil.jpg' points outside the archive", problem.GetProperty("errors").GetProperty("zip")[0].GetString());
        Assert.Equal(before, (await client.GetFromJsonAsync<JsonElement>("/api/pricing/batches")).GetArrayLength());
    }

    [Fact]
    public async Task AnUploadOverTheConfiguredLimitIs413()
    {
        await using var limited = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Portal:SeedDemoData", "false");
            builder.UseSetting("Pricing:Batches:PriceOnThisHost", "false");
            builder.UseSetting("Pricing:Batches:MaxUploadBytes", "20000");
            builder.UseSetting("Pricing:Batches:MaxZipBytes", "20000");
        });
        using var client = limited.CreateClient();

        var response = await client.PostAsync("/api/pricing/batches", BatchUploads.ShoesWithOneMissing(3));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
