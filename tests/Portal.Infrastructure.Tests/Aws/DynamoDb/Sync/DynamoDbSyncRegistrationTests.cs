using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Hosting;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

public sealed class DynamoDbSyncRegistrationTests
{
    [Fact]
    public void RegistersTheFiveStoresAndTheTableSpecAheadOfTheEmbeddedDefaults()
    {
        using var provider = Build(new Dictionary<string, string?>()).BuildServiceProvider();

        Assert.IsType<DynamoDbIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        Assert.IsType<DynamoDbProductStateStore>(provider.GetRequiredService<IProductStateStore>());
        Assert.IsType<DynamoDbParkedEventStore>(provider.GetRequiredService<IParkedEventStore>());
        Assert.IsType<DynamoDbImageEmbeddingStore>(provider.GetRequiredService<IImageEmbeddingStore>());
        Assert.IsType<DynamoDbDeadLetterStore>(provider.GetRequiredService<IDeadLetterStore>());
        var spec = Assert.Single(provider.GetServices<IDynamoDbTableSpec>());
        Assert.Equal("portal-sync-prod", spec.TableName);
        Assert.Equal("ttl", spec.TimeToLiveAttribute);
        var request = spec.CreateTableRequest();
        Assert.Equal("portal-sync-prod", request.TableName);
        Assert.Equal(["gsi1", "gsi2"], request.GlobalSecondaryIndexes.Select(i => i.IndexName));
        Assert.Equal(BillingMode.PAY_PER_REQUEST, request.BillingMode);
    }

    [Fact]
    public void TheTableNameCanBeOverridden()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Aws:DynamoDb:Sync:TableName"] = "sync-blue" }).BuildServiceProvider();

        Assert.Equal("sync-blue", provider.GetRequiredService<IDynamoDbTableSpec>().TableName);
    }

    [Theory]
    [InlineData("Aws:DynamoDb:Sync:IdempotencyExpiry", "-00:01:00")]
    [InlineData("Aws:DynamoDb:Sync:ProductEventRetention", "00:00:00")]
    [InlineData("Aws:DynamoDb:Sync:ParkedEventGrace", "-1.00:00:00")]
    [InlineData("Aws:DynamoDb:Sync:ResolvedDeadLetterRetention", "00:00:00")]
    [InlineData("Aws:DynamoDb:Sync:TableName", "x")]
    [InlineData("Aws:DynamoDb:Sync:MaxConcurrentWrites", "0")]
    public void AnInvalidSettingFailsWithAMessageNamingItsKey(string key, string value)
    {
        using var provider = Build(new Dictionary<string, string?> { [key] = value }).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DynamoDbSyncOptions>>().Value);

        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Build(Dictionary<string, string?> settings)
    {
        settings["Aws:Region"] = TestAwsKeys.Region;
        settings["Aws:Stage"] = "prod";
        settings["Portal:DataDirectory"] = Path.Combine(Path.GetTempPath(), "portal-unused");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials());
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName));
        services.AddDynamoDbClient(configuration);
        services.AddDynamoDbSyncAdapters(configuration);
        // The embedded defaults come after and fill only what is missing.
        services.AddSyncSupportServices(configuration);
        services.AddSyncServices(configuration);
        return services;
    }
}
