using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary><c>portal provision aws</c> against dynalite: tables and GSIs created idempotently, TTL's absence reported; the dry run calls nothing.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbTableProvisionerTests(DynaliteFixture dynalite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task CreatesEveryRegisteredTableWithItsIndexesAndASecondRunChangesNothing()
    {
        var stage = dynalite.NextStage();
        var specs = new IDynamoDbTableSpec[] { new SalesIntelligenceTableSpec($"sales-intelligence-{stage}"), new SmallTableSpec($"other-things-{stage}") };
        var provisioner = new DynamoDbTableProvisioner(dynalite.Client, specs, DynaliteFixture.FastTimings);
        var printed = new List<string>();

        var first = await provisioner.ProvisionAsync(action => printed.Add(action.ToString()), Ct);

        Assert.True(first.Changed);
        Assert.Equal(2, first.Actions.Count(a => a.Kind == ProvisioningActionKind.CreatedTable));
        Assert.Contains($"sales-intelligence-{stage}: created table with 6 GSIs (PAY_PER_REQUEST)", printed);
        // dynalite has no UpdateTimeToLive: a warning per table, not a failure.
        Assert.Equal(2, first.Actions.Count(a => a.Kind == ProvisioningActionKind.Warning && a.Detail.Contains("UpdateTimeToLive", StringComparison.Ordinal)));
        var table = (await dynalite.Client.DescribeTableAsync($"sales-intelligence-{stage}")).Table;
        Assert.Equal(["GSI-1", "GSI-2", "GSI-3", "GSI-4", "GSI-FEED", "GSI-OUTBOX"], table.GlobalSecondaryIndexes.Select(g => g.IndexName).Order(StringComparer.Ordinal));
        Assert.All(table.GlobalSecondaryIndexes, g => Assert.Equal(IndexStatus.ACTIVE, g.IndexStatus));
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary.BillingMode);
        Assert.Contains("embedding", table.GlobalSecondaryIndexes.Single(g => g.IndexName == "GSI-2").Projection.NonKeyAttributes);

        var second = await provisioner.ProvisionAsync(null, Ct);

        Assert.False(second.Changed);
        Assert.Equal(2, second.Actions.Count(a => a.Kind == ProvisioningActionKind.UpToDate));
        Assert.Contains(second.Actions, a => a.ToString() == $"sales-intelligence-{stage}: up to date, no changes (6 GSIs present)");
    }

    [Fact]
    public async Task AMissingIndexOnAnExistingTableIsRequestedAndReportedWhenTheEndpointCannotBuildIt()
    {
        var name = SalesIntelligenceTable.NameFor(dynalite.NextStage());
        var full = new SalesIntelligenceTableSpec(name);
        await dynalite.Client.CreateTableAsync(WithoutIndex(full.CreateTableRequest(), "GSI-OUTBOX"));

        var report = await new DynamoDbTableProvisioner(dynalite.Client, [full], DynaliteFixture.FastTimings).ProvisionAsync(null, Ct);

        // DynamoDB would build it (AddedIndex once ACTIVE); dynalite refuses an index without throughput on an on-demand table.
        Assert.Contains(report.Actions, a => a.Kind == ProvisioningActionKind.Warning && a.Detail.StartsWith("GSI GSI-OUTBOX is missing", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Actions, a => a.Kind == ProvisioningActionKind.AddedIndex);
        Assert.DoesNotContain(report.Actions, a => a.Kind == ProvisioningActionKind.CreatedTable);
    }

    [Fact]
    public async Task TheDryRunNamesEveryTableWithoutCredentialsOrAnyCall()
    {
        var requests = 0;
        await using var endpoint = await LoopbackHost.StartAsync(app => app.Run(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        }));
        using var host = ProvisioningHost(endpoint.ServiceUrl, stage: "qa", services => services.AddSingleton<AWSCredentials>(_ =>
            throw new InvalidOperationException("The dry run must not ask for credentials.")));
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await AwsProvisioning.RunAsync(host.Services, dryRun: true, output, error, Ct);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal(0, requests);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("sales-intelligence-qa: would ensure table (keys pk/sk, PAY_PER_REQUEST), GSIs: GSI-1, GSI-2, GSI-3, GSI-4, GSI-OUTBOX, GSI-FEED; TTL on 'ttl'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheCommandProvisionsThroughTheRegisteredAdaptersAndTheStageOverride()
    {
        var stage = dynalite.NextStage();
        using var host = ProvisioningHost(dynalite.ServiceUrl, stage, services => services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials()));
        var output = new StringWriter();

        var exitCode = await AwsProvisioning.RunAsync(host.Services, dryRun: false, output, new StringWriter(), Ct);

        Assert.Equal(0, exitCode);
        Assert.Contains($"sales-intelligence-{stage}: created table with 6 GSIs (PAY_PER_REQUEST)", output.ToString(), StringComparison.Ordinal);
        // The same registrations serve the ports: one instance is the store and its outbox.
        var store = host.Services.GetRequiredService<ISalesStore>();
        Assert.IsType<DynamoDbSalesStore>(store);
        Assert.Same(store, host.Services.GetRequiredService<ISalesOutbox>());
        Assert.IsType<DynamoDbValidationStoreReader>(host.Services.GetRequiredService<IValidationStoreReader>());
        Assert.Equal($"sales-intelligence-{stage}", ((DynamoDbSalesStore)store).TableName);
    }

    [Fact]
    public async Task AMissingRegionStopsTheCommandWithTheKeyNamed()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Aws:Stage"] = "qa" });
        builder.ConfigureForProvisioning(stage: null);
        using var host = builder.Build();
        var error = new StringWriter();

        var exitCode = await AwsProvisioning.RunAsync(host.Services, dryRun: true, new StringWriter(), error, Ct);

        Assert.Equal(1, exitCode);
        Assert.Contains("Aws:Region is required", error.ToString(), StringComparison.Ordinal);
    }

    private static IHost ProvisioningHost(string serviceUrl, string stage, Action<IServiceCollection> credentials)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:Region"] = TestAwsKeys.Region,
            ["Aws:Stage"] = "ignored",
            ["Aws:DynamoDb:ServiceUrl"] = serviceUrl,
            ["Aws:DynamoDb:MaxAttempts"] = "2",
        });
        credentials(builder.Services);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.ConfigureForProvisioning(stage);
        return builder.Build();
    }

    private static CreateTableRequest WithoutIndex(CreateTableRequest request, string index)
    {
        var removed = request.GlobalSecondaryIndexes.Single(g => g.IndexName == index);
        request.GlobalSecondaryIndexes.Remove(removed);
        var keys = removed.KeySchema.Select(k => k.AttributeName).ToHashSet();
        request.AttributeDefinitions.RemoveAll(a => keys.Contains(a.AttributeName));
        return request;
    }

    private sealed class SmallTableSpec(string name) : IDynamoDbTableSpec
    {
        public string TableName => name;

        public string? TimeToLiveAttribute => "expiresAt";

        public CreateTableRequest CreateTableRequest() => new()
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
        };
    }
}
