using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Infrastructure.Demo;

namespace Portal.Web.Tests.Api;

[Collection(PortalCollection.Name)]
public sealed class PricingApiTests(PortalFactory factory)
{
    // A real photo of shoes from the demo's own photos: the demo tenant's shoes look like it, so it gets comparables.
    private static readonly byte[] Shoes = DemoSamples.ShoePhoto.ToArray();

    private static MultipartFormDataContent Form(IEnumerable<byte[]>? images = null, string? category = "shoes", string? condition = "very_good", params (string Name, string Value)[] extra)
    {
        var form = new MultipartFormDataContent();
        var i = 0;
        foreach (var image in images ?? [Shoes])
        {
            var content = new ByteArrayContent(image);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(content, "images", $"photo{i++}.jpg");
        }

        if (category is not null)
        {
            form.Add(new StringContent(category), "category");
        }

        if (condition is not null)
        {
            form.Add(new StringContent(condition), "condition");
        }

        foreach (var (name, value) in extra)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpContent content)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/api/pricing/calculate", content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body);
    }

    [Fact]
    public async Task ReturnsASuggestionWithComparablesUnderTheStableJsonNames()
    {
        var (status, body) = await PostAsync(Form());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("price").GetDecimal() > 0);
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        Assert.True(body.GetProperty("range").GetProperty("low").GetDecimal() <= body.GetProperty("price").GetDecimal());
        Assert.True(body.GetProperty("range").GetProperty("high").GetDecimal() >= body.GetProperty("price").GetDecimal());
        Assert.InRange(body.GetProperty("confidence").GetDouble(), 0, 1);
        foreach (var name in new[] { "count", "similarity", "dispersion", "recency" })
        {
            Assert.InRange(body.GetProperty("confidenceComponents").GetProperty(name).GetDouble(), 0, 1);
        }

        // The trust verdict travels with the price, so API clients show the same words as the workbench.
        Assert.Contains(body.GetProperty("verdict").GetProperty("level").GetString(), new[] { "strong", "weak" });
        Assert.Contains("match: ", body.GetProperty("verdict").GetProperty("sentence").GetString());
        Assert.Empty(body.GetProperty("lookAlikesNotUsed").EnumerateArray());

        var comparables = body.GetProperty("comparables").EnumerateArray().ToList();
        Assert.NotEmpty(comparables);
        Assert.Equal(1.0, comparables.Sum(c => c.GetProperty("weight").GetDouble()), 6);
        foreach (var name in new[] { "saleId", "productId", "brand", "title", "condition", "soldAt", "soldPrice", "adjustedPrice", "similarity", "recencyWeight", "weight", "imageUrl" })
        {
            Assert.True(comparables[0].TryGetProperty(name, out _), $"comparable lacks '{name}'");
        }

        // The image store's key stays inside: the contract carries the URL only.
        Assert.All(comparables, c => Assert.False(c.TryGetProperty("imageKey", out _)));

        foreach (var name in new[] { "adjustments", "fallback", "explanation", "timings", "embeddingModel" })
        {
            Assert.True(body.TryGetProperty(name, out _), $"suggestion lacks '{name}'");
        }

        Assert.Equal("resnet18-onnx-v2", body.GetProperty("embeddingModel").GetString());
    }

    [Fact]
    public async Task ExcludingAComparableRemovesItAndRecomputes()
    {
        var (_, first) = await PostAsync(Form());
        var excluded = first.GetProperty("comparables")[0].GetProperty("saleId").GetString()!;

        var (status, second) = await PostAsync(Form(extra: ("exclude", excluded)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(second.GetProperty("comparables").EnumerateArray(), c => c.GetProperty("saleId").GetString() == excluded);
    }

    [Fact]
    public async Task TheSameRequestGivesTheSameSuggestion()
    {
        var date = ("pricingDate", DateTimeOffset.UtcNow.ToString("O"));
        var (_, first) = await PostAsync(Form(extra: date));
        var (_, second) = await PostAsync(Form(extra: date));

        Assert.Equal(first.GetProperty("price").GetDecimal(), second.GetProperty("price").GetDecimal());
        Assert.Equal(first.GetProperty("comparables").GetRawText(), second.GetProperty("comparables").GetRawText());
    }

    [Fact]
    public async Task RejectsATextFileWith415()
    {
        var (status, body) = await PostAsync(Form([System.Text.Encoding.UTF8.GetBytes("this is not an image, just text pretending")]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("image", body.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RejectsAnEmptyFileWith400()
    {
        var (status, body) = await PostAsync(Form([[]]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("images", out _));
    }

    [Fact]
    public async Task RejectsATruncatedJpegWith400()
    {
        var jpeg = TestImages.Jpeg();
        var (status, body) = await PostAsync(Form([jpeg[..(jpeg.Length / 2)]]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("images", out _));
    }

    [Fact]
    public async Task RejectsSixImagesWith400()
    {
        var (status, body) = await PostAsync(Form(Enumerable.Range(0, 6).Select(_ => TestImages.Jpeg())));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("5", body.GetProperty("errors").GetProperty("images")[0].GetString());
    }

    [Fact]
    public async Task RejectsNoImageWith400()
    {
        var (status, body) = await PostAsync(Form([]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("images", out _));
    }

    [Fact]
    public async Task RejectsAnUnknownConditionNamingTheValidOnes()
    {
        var (status, body) = await PostAsync(Form(condition: "mint"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("new_with_tags", body.GetProperty("errors").GetProperty("condition")[0].GetString());
    }

    [Fact]
    public async Task RejectsAnUnknownCategory()
    {
        var (status, body) = await PostAsync(Form(category: "spaceships"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("spaceships", body.GetProperty("errors").GetProperty("category")[0].GetString());
    }

    [Fact]
    public async Task RejectsAMissingCategory()
    {
        var (status, body) = await PostAsync(Form(category: null));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("category", out _));
    }

    [Fact]
    public async Task RejectsAPhotoOverTenMegabytesWith413()
    {
        var huge = new byte[10 * 1024 * 1024 + 1];
        TestImages.Jpeg().CopyTo(huge, 0);

        var (status, _) = await PostAsync(Form([huge]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task RejectsARequestOverThirtyMegabytesWith413()
    {
        var big = new byte[8 * 1024 * 1024];
        TestImages.Jpeg().CopyTo(big, 0);

        var (status, _) = await PostAsync(Form([big, big, big, big]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task RejectsAnImageOverFortyMegapixelsBeforeDecoding()
    {
        var (status, body) = await PostAsync(Form([TestImages.PngHeader(10_000, 5_000)]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("pixel", body.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RejectsAnInvalidPricingDate()
    {
        var (status, body) = await PostAsync(Form(extra: ("pricingDate", "yesterday-ish")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("pricingDate", out _));
    }

    [Fact]
    public async Task RejectsABodyThatIsNotMultipartWith415()
    {
        var (status, _) = await PostAsync(JsonContent.Create(new { category = "shoes" }));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task ATenantFieldInTheFormIsIgnored()
    {
        var (status, body) = await PostAsync(Form(extra: ("tenant", "someone-else")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(body.GetProperty("comparables").EnumerateArray(), c => Assert.StartsWith("/images/demo/", c.GetProperty("imageUrl").GetString()));
    }

    [Fact]
    public async Task AnUnreadablePricingDateIsReportedTogetherWithTheOtherFieldErrors()
    {
        var (status, body) = await PostAsync(Form(category: "spaceships", extra: ("pricingDate", "yesterday-ish")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("One or more fields are invalid.", body.GetProperty("detail").GetString());
        Assert.Equal("'yesterday-ish' is not an ISO-8601 date.", body.GetProperty("errors").GetProperty("pricingDate")[0].GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("category", out _));
    }

    [Fact]
    public async Task TooManyPhotosAre400EvenWhenOneIsOverThePhotoLimit()
    {
        // The count is checked before any photo's size, and no photo is read.
        var huge = new byte[10 * 1024 * 1024 + 1];
        TestImages.Jpeg().CopyTo(huge, 0);

        var (status, body) = await PostAsync(Form([huge, Shoes, Shoes, Shoes, Shoes, Shoes]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("At most 5 photos per item; got 6.", body.GetProperty("errors").GetProperty("images")[0].GetString());
    }

    [Fact]
    public async Task APhotoOverTheLimitIsNamedInThe413()
    {
        var huge = new byte[10 * 1024 * 1024 + 1];
        TestImages.Jpeg().CopyTo(huge, 0);

        var (status, body) = await PostAsync(Form([Shoes, huge]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("Too large", body.GetProperty("title").GetString());
        Assert.Equal($"'photo1.jpg' is {huge.Length} bytes; the limit per photo is {10 * 1024 * 1024}.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TheGuardSaysWhatToSendAndWhatTheLimitIs()
    {
        // Without a content type the route matches and the guard answers; a wrong one is refused by routing already.
        var (unsupported, unsupportedBody) = await PostAsync(new ByteArrayContent("category=shoes"u8.ToArray()));
        var big = new byte[8 * 1024 * 1024];
        var (tooLarge, tooLargeBody) = await PostAsync(Form([big, big, big, big]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
        Assert.Equal("Unsupported media type", unsupportedBody.GetProperty("title").GetString());
        Assert.Equal("Send multipart/form-data with 'images' files and the item's fields.", unsupportedBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Matches(@"^The request is \d+ bytes; the limit is 31457280\.$", tooLargeBody.GetProperty("detail").GetString());
    }
}
