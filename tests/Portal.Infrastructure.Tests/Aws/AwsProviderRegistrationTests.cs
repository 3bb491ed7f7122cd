using Amazon.Runtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Batches;
using Portal.Core.Pricing.Calibration;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.Athena;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Aws.S3;
using Portal.Infrastructure.Embedded.Housekeeping;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Tests.Storage;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws;

/// <summary>With <c>Portal:Provider = Aws</c> every port is served by AWS; nothing falls back to the embedded files unnoticed.</summary>
public sealed class AwsProviderRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_port_resolves_to_its_aws_adapter()
    {
        using var host = Build(Settings());
        var services = host.Services;

        Assert.IsType<DynamoDbSalesStore>(services.GetRequiredService<ISalesStore>());
        Assert.IsType<DynamoDbSalesStore>(services.GetRequiredService<ISalesOutbox>());
        Assert.IsType<DynamoDbSalesStore>(services.GetRequiredService<IRangeCalibrationStore>());
        Assert.IsType<DynamoDbIdempotencyStore>(services.GetRequiredService<IIdempotencyStore>());
        Assert.IsType<DynamoDbProductStateStore>(services.GetRequiredService<IProductStateStore>());
        Assert.IsType<DynamoDbParkedEventStore>(services.GetRequiredService<IParkedEventStore>());
        Assert.IsType<DynamoDbDeadLetterStore>(services.GetRequiredService<IDeadLetterStore>());
        Assert.IsType<DynamoDbImageEmbeddingStore>(services.GetRequiredService<IImageEmbeddingStore>());
        Assert.IsType<DynamoDbPricingDecisionStore>(services.GetRequiredService<IPricingDecisionStore>());
        Assert.IsType<DynamoDbPricingBatchStore>(services.GetRequiredService<IPricingBatchStore>());
        Assert.IsType<DynamoDbJobRunStore>(services.GetRequiredService<IJobRunStore>());
        Assert.IsType<DynamoDbJobWatermarkStore>(services.GetRequiredService<IJobWatermarkStore>());
        Assert.IsType<DynamoDbValidationReportStore>(services.GetRequiredService<IValidationReportStore>());
        Assert.IsType<DynamoDbValidationStoreReader>(services.GetRequiredService<IValidationStoreReader>());
        Assert.IsType<AthenaValidationLakeReader>(services.GetRequiredService<IValidationLakeReader>());
        Assert.IsType<AthenaSalesAnalytics>(services.GetRequiredService<ISalesAnalytics>());
        Assert.IsType<S3SalesLake>(services.GetRequiredService<ISalesLake>());
        Assert.IsType<S3ImageStore>(services.GetRequiredService<IImageStore>());
        Assert.IsType<TitanImageEmbeddingGenerator>(services.GetRequiredService<IEmbeddingGenerator<DataContent, Embedding<float>>>());
        Assert.IsType<NovaLiteQualityAssessor>(services.GetRequiredService<IQualityAssessor>());
        // DynamoDB expires items itself: the embedded store's housekeeping job has nothing to do on AWS.
        Assert.DoesNotContain(services.GetServices<IPortalJob>(), job => job.Name == HousekeepingJob.JobName);
    }

    [Theory]
    [InlineData("Aws:Region", "Aws:Region")]
    [InlineData("Aws:S3:ImagesBucket", "Aws:S3:ImagesBucket")]
    [InlineData("Aws:Athena:Database", "Aws:Athena:Database")]
    public void A_missing_setting_stops_the_start_naming_its_key(string removed, string named)
    {
        var settings = Settings();
        settings.Remove(removed);
        using var host = Build(settings);

        var failure = Assert.ThrowsAny<Exception>(() => host.Services.GetServices<IStartupValidator>().ToList().ForEach(v => v.Validate()));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Portal:Provider"] = "Aws",
        ["Portal:DataDirectory"] = _folder.Path,
        ["Aws:Region"] = TestAwsKeys.Region,
        ["Aws:Stage"] = "test",
        ["Aws:S3:ImagesBucket"] = "portal-images",
        ["Aws:S3:LakeBucket"] = "portal-lake",
        ["Aws:Athena:Database"] = "pricing_portal_test",
    };

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials());
        builder.AddPortal();
        return builder.Build();
    }
}
