using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Validation;

public sealed class ValidationRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private IHost Build(params (string Key, string Value)[] settings) => Hosting.InfrastructureTestHost.Build(_folder.Path, settings);

    [Fact]
    public void RegistersTheValidationJobTheLogSinkAndNoWebhookByDefault()
    {
        using var host = Build();

        var job = Assert.Single(host.Services.GetServices<IPortalJob>(), j => j.Name == "validation");
        Assert.Equal("validation", job.Name);
        var sinks = host.Services.GetServices<IAlertSink>().ToList();
        Assert.Contains(sinks, s => s is LogAlertSink);
        Assert.DoesNotContain(sinks, s => s is WebhookAlertSink);
        Assert.NotNull(host.Services.GetRequiredService<ILakeRepairer>());
        Assert.NotNull(host.Services.GetRequiredService<IValidationReportStore>());
    }

    [Fact]
    public void AConfiguredWebhookIsRegisteredAsASink()
    {
        using var host = Build(("Alerts:WebhookUrl", "https://hooks.example.test/T0/B0/secret"), ("Alerts:WebhookTimeout", "00:00:05"));

        Assert.Contains(host.Services.GetServices<IAlertSink>(), s => s is WebhookAlertSink);
        Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<IOptions<AlertOptions>>().Value.WebhookTimeout);
    }

    [Theory]
    [InlineData("Validation:VarianceThreshold", "-1")]
    [InlineData("Validation:VarianceThreshold", "250")]
    [InlineData("Validation:OutlierMadMultiplier", "0")]
    [InlineData("Validation:EmbeddingDimensions:clip-v1:0", "0")]
    [InlineData("Alerts:WebhookUrl", "hooks.example.test/no-scheme")]
    [InlineData("Alerts:WebhookTimeout", "00:00:00")]
    public async Task BadSettingsStopTheHostAtStartWithTheKeyNamed(string key, string value)
    {
        using var host = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key.Split(':')[0], error.Message + string.Join(" ", error.Failures) + error.OptionsType.Name);
    }

    [Fact]
    public async Task AConfiguredModelIsKnownToTheEmbeddingChecks()
    {
        var options = new ValidationOptions { EmbeddingDimensions = { ["clip-v1"] = [768] } };
        using var bed = new ValidationTestBed(options: options);
        var at = new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);
        await bed.Store.AddSalesAsync(
        [
            (StorageTestData.Sale("demo", "clip", 50m, at), new StoredEmbedding("clip-v1", Enumerable.Repeat(0.1f, 768).ToArray())),
            (StorageTestData.Sale("demo", "clip-short", 50m, at), new StoredEmbedding("clip-v1", Enumerable.Repeat(0.1f, 512).ToArray())),
        ], default);

        var findings = (await bed.Validator.ValidateAsync(null, default)).Findings;

        Assert.DoesNotContain(findings, f => f.Kind == ValidationFindingKind.UnknownEmbeddingModel);
        Assert.Equal(["clip-short"], Assert.Single(findings, f => f.Kind == ValidationFindingKind.WrongEmbeddingDimension).Examples);
        Assert.Equal([512], ValidationOptions.DefaultEmbeddingDimensions["resnet18-onnx-v1"]);
    }
}
