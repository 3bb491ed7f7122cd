using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Aws.ParameterStore;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Ssm;

namespace Portal.Infrastructure.Tests.Aws.ParameterStore;

/// <summary>Parameter Store as a configuration source, against the loopback SSM fake (JSON 1.1, SigV4 verified).</summary>
public sealed class ParameterStoreConfigurationTests : IAsyncLifetime
{
    private const string WebhookSecret = "https://hooks.example.com/T000/B000/very-secret-token";
    private FakeSsmServer _ssm = null!;

    public async Task InitializeAsync()
    {
        _ssm = await FakeSsmServer.StartAsync();
        _ssm.Put("/pricing-portal/prod/Alerts/WebhookUri", WebhookSecret, "SecureString");
        _ssm.Put("/pricing-portal/prod/SmartGo/ConnectionString", "Host=replica;Password=p@ss", "SecureString");
        _ssm.Put("/pricing-portal/prod/Sync/KnownTenants/0", "acme");
        _ssm.Put("/pricing-portal/prod/Portal/DemoTenant", "shop-1");
        _ssm.Put("/pricing-portal/staging/Portal/DemoTenant", "not-this-one");
        _ssm.Put("/pricing-portal/production/Portal/DemoTenant", "nor-this-one");
    }

    public async Task DisposeAsync() => await _ssm.DisposeAsync();

    [Fact]
    public void MapsEveryParameterUnderThePathToAConfigurationKeyWithSecureStringsDecrypted()
    {
        var configuration = Build(("Portal:DemoTenant", "from-appsettings"));

        Assert.Equal(WebhookSecret, configuration["Alerts:WebhookUri"]);
        Assert.Equal("Host=replica;Password=p@ss", configuration["SmartGo:ConnectionString"]);
        Assert.Equal("acme", configuration.GetSection("Sync:KnownTenants").Get<string[]>()!.Single());
        Assert.Equal("shop-1", configuration["Portal:DemoTenant"]); // added after appsettings, so it wins
        var request = Assert.Single(_ssm.Requests);
        Assert.Equal("/pricing-portal/prod/", request.Path);
        Assert.True(request.Recursive);
        Assert.True(request.WithDecryption);
    }

    [Fact]
    public void ReadsEveryPageOfParameters()
    {
        for (var i = 0; i < 23; i++)
        {
            _ssm.Put($"/pricing-portal/paged/Feature/Flag{i:D2}", $"value-{i}");
        }

        var configuration = Build(("Aws:ParameterStore:Path", "/pricing-portal/paged"));

        Assert.Equal(23, configuration.GetSection("Feature").GetChildren().Count());
        Assert.Equal("value-22", configuration["Feature:Flag22"]);
        Assert.Equal([null, "token", "token"], _ssm.Requests.Select(r => r.NextToken is null ? null : "token"));
    }

    [Fact]
    public void ABadSignatureFailsTheStartNamingThePathAndShowingNoValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(credentials: new BasicAWSCredentials(TestAwsKeys.AccessKeyId, "not-the-secret")));

        Assert.Contains("Aws:ParameterStore:Path", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_ssm.Requests);
    }

    [Fact]
    public void ARequestSignedForAnotherRegionIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Aws:Region", "us-east-1")));

        Assert.Contains("Aws:ParameterStore:Path", error.Message, StringComparison.Ordinal);
        Assert.Contains("'us-east-1'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_ssm.Requests);
    }

    [Fact]
    public void AnUnknownAccessKeyIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(credentials: new BasicAWSCredentials("AKIDUNKNOWN", TestAwsKeys.SecretAccessKey)));

        Assert.Contains("UnrecognizedClientException", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignsWithTheAwsCredentialsAlreadyRegisteredInTheServices()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:Region"] = TestAwsKeys.Region,
            ["Aws:ParameterStore:Path"] = "/pricing-portal/prod/",
            ["Aws:ParameterStore:ServiceUrl"] = _ssm.ServiceUrl,
        });
        builder.Services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials());

        builder.AddParameterStoreConfiguration();

        Assert.Equal(WebhookSecret, builder.Configuration["Alerts:WebhookUri"]);
    }

    [Fact]
    public void WithoutAPathNoSourceIsAddedAndNothingIsCalled()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var before = builder.Configuration.Sources.Count;

        builder.AddParameterStoreConfiguration(TestAwsKeys.SdkCredentials(), TimeProvider.System);

        Assert.Equal(before, builder.Configuration.Sources.Count);
        Assert.Empty(_ssm.Requests);
    }

    [Theory]
    [InlineData("pricing-portal/prod/", "Aws:ParameterStore:Path")]
    [InlineData("/pricing portal/", "Aws:ParameterStore:Path")]
    public void AMalformedPathIsRefusedNamingTheKey(string path, string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Aws:ParameterStore:Path", path)));

        Assert.StartsWith(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingRegionIsRefusedNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Aws:Region", "")));

        Assert.StartsWith("Aws:Region is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReloadIntervalBelowOneSecondIsRefusedNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Aws:ParameterStore:ReloadInterval", "00:00:00.5")));

        Assert.StartsWith("Aws:ParameterStore:ReloadInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeriodicReloadPicksUpChangedValuesAndSignalsTheChange()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var configuration = Build(time, ("Aws:ParameterStore:ReloadInterval", "00:05:00"));
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ChangeToken.OnChange(configuration.GetReloadToken, () => changed.TrySetResult());
        _ssm.Put("/pricing-portal/prod/Alerts/WebhookUri", "https://hooks.example.com/rotated", "SecureString");

        time.Advance(TimeSpan.FromMinutes(5));
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("https://hooks.example.com/rotated", configuration["Alerts:WebhookUri"]);
        Assert.Equal(2, _ssm.Requests.Count);
    }

    [Fact]
    public async Task AFailedReloadKeepsTheLastValues()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var configuration = Build(time, ("Aws:ParameterStore:ReloadInterval", "00:05:00"));
        var provider = configuration.Providers.OfType<ParameterStoreConfigurationProvider>().Single();
        await _ssm.DisposeAsync();

        await provider.ReloadAsync(CancellationToken.None);

        Assert.NotNull(provider.LastReloadError);
        Assert.Equal(WebhookSecret, configuration["Alerts:WebhookUri"]);
    }

    [Theory]
    [InlineData("/pricing-portal/prod/", "/pricing-portal/prod/Alerts/WebhookUri", "Alerts:WebhookUri")]
    [InlineData("/pricing-portal/prod", "/pricing-portal/prod/Alerts/WebhookUri", "Alerts:WebhookUri")]
    [InlineData("/pricing-portal/prod/", "/pricing-portal/prod/Top", "Top")]
    [InlineData("/pricing-portal/prod/", "/pricing-portal/production/Top", null)]
    [InlineData("/", "/Alerts/WebhookUri", "Alerts:WebhookUri")]
    public void ParameterNamesBecomeConfigurationKeys(string path, string name, string? key) =>
        Assert.Equal(key, ParameterStoreConfigurationProvider.ToConfigurationKey(path, name));

    private IConfigurationRoot Build(params (string Key, string Value)[] settings) => Build(TimeProvider.System, TestAwsKeys.SdkCredentials(), settings);

    private IConfigurationRoot Build(AWSCredentials credentials) => Build(TimeProvider.System, credentials, []);

    private IConfigurationRoot Build(TimeProvider time, params (string Key, string Value)[] settings) => Build(time, TestAwsKeys.SdkCredentials(), settings);

    private IConfigurationRoot Build(TimeProvider time, AWSCredentials credentials, (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var values = new Dictionary<string, string?>
        {
            ["Aws:Region"] = TestAwsKeys.Region,
            ["Aws:ParameterStore:Path"] = "/pricing-portal/prod/",
            ["Aws:ParameterStore:ServiceUrl"] = _ssm.ServiceUrl,
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.AddParameterStoreConfiguration(credentials, time);
        return builder.Configuration;
    }
}
