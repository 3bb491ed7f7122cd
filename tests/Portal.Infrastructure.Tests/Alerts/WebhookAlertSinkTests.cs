using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Alerts;

public sealed class WebhookAlertSinkTests
{
    private static readonly Alert Sample = new("validation", AlertSeverity.Warning, "Store and lake disagree for demo", "1 partition(s) over 5 %",
        new TenantId("demo"), StorageTestData.Now, "/ops/validation/00000000-0000-0000-0000-000000000001");

    [Fact]
    public async Task PostsTheAlertAsJson()
    {
        using var webhook = new LoopbackWebhook();
        using var sink = new WebhookAlertSink(new AlertOptions { WebhookUrl = webhook.Url });

        await sink.SendAsync(Sample, default);

        var (contentType, body) = Assert.Single(webhook.Requests);
        Assert.StartsWith("application/json", contentType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("validation", json.RootElement.GetProperty("source").GetString());
        Assert.Equal("Warning", json.RootElement.GetProperty("severity").GetString());
        Assert.Equal("demo", json.RootElement.GetProperty("tenant_id").GetString());
        Assert.Equal(Sample.DetailUrl, json.RootElement.GetProperty("detail_url").GetString());
        Assert.Equal(StorageTestData.Now, json.RootElement.GetProperty("raised_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task AFailingWebhookThrowsWithoutRevealingTheUrl()
    {
        using var webhook = new LoopbackWebhook(HttpStatusCode.InternalServerError);
        using var sink = new WebhookAlertSink(new AlertOptions { WebhookUrl = webhook.Url });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => sink.SendAsync(Sample, default));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.DoesNotContain("alerts-token", error.Message);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.test/hook")]
    [InlineData("/relative/hook")]
    public void RejectsAWebhookUrlThatIsNotAbsoluteHttp(string url)
    {
        var options = new AlertOptions { WebhookUrl = url };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        var error = Assert.Single(errors);
        Assert.Contains("Alerts:WebhookUrl", error.ErrorMessage);
        Assert.DoesNotContain(url, error.ErrorMessage);
    }

    [Fact]
    public void AcceptsNoWebhookAtAll()
    {
        var options = new AlertOptions();

        Assert.Empty(options.Validate(new ValidationContext(options)));
        Assert.Null(options.WebhookUri);
    }
}
