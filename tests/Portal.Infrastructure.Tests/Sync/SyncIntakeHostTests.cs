using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Tests.Imaging;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>
/// Event intake as the portal composes it (submitter, channel, the one consumer, the real pipeline and photo resolver) against a
/// real image host on loopback: a slow host must hold up no other event, a photo has one total deadline, and URLs carrying
/// secrets leave none in dead letters, the monitor's errors or the logs.
/// </summary>
public sealed class SyncIntakeHostTests : IDisposable
{
    // Only a guard against a hung test: every wait below ends on an event, not on this.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private const string Signature = "5f3c0ffee0ddba11deadbeef0123456789abcdef0123456789abcdef01234567";
    private const string Presigned = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261202%2Feu-west-1%2Fs3%2Faws4_request"
        + "&X-Amz-Date=20261202T090000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=" + Signature;

    private readonly TempFolder _data = new();
    private readonly LoopbackImageHost _photos = new();
    private readonly CapturedLogs _logs = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _fetching = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task ADrippingPhotoHostHoldsUpNoOtherEventOfAnyTenant()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var jpeg = ImagingTestData.Jpeg(seed: 31);
        MapDrippingPhoto("slow.jpg", jpeg);
        await using var intake = await Intake.StartAsync(this, time);
        var at = time.GetUtcNow().AddMinutes(-2);
        Assert.Equal(EventOutcomeStatus.Accepted, (await intake.SubmitAsync(Events.Listed("p-slow", at))).Outcomes[0].Status);

        var slowSold = intake.SubmitAsync(Events.Sold("p-slow", at.AddMinutes(1), imageUrl: _photos.Url("slow.jpg")));
        await _fetching.Task.WaitAsync(Guard);
        // Posted while the photo is still dripping in: another tenant, and the same tenant's other products.
        var unrelated = await Task.WhenAll(
            intake.SubmitAsync(Events.Listed("p-acme", at, tenant: "acme")),
            intake.SubmitAsync(Events.Batch(Events.Listed("p-other", at), Events.Sold("p-other", at.AddMinutes(1)))),
            intake.SubmitAsync(Events.Sold("p-acme", at.AddMinutes(1), tenant: "acme"))).WaitAsync(Guard);

        Assert.False(slowSold.IsCompleted, "The slow photo's event finished before the unrelated events did: they waited for it.");
        Assert.False(_release.Task.IsCompleted);
        Assert.All(unrelated.SelectMany(r => r.Outcomes), o => Assert.Equal(EventOutcomeStatus.Accepted, o.Status));
        Assert.Equal(1, await intake.Sales.CountSalesAsync(new TenantId("acme"), CancellationToken.None));
        Assert.NotNull(await intake.Sales.GetSaleAsync(new TenantId(SyncHarness.Tenant), "sale-p-other", CancellationToken.None));

        _release.TrySetResult();
        var slow = await slowSold.WaitAsync(Guard);

        Assert.Equal(EventOutcomeStatus.Accepted, slow.Outcomes[0].Status);
        var sale = await intake.Sales.GetSaleAsync(new TenantId(SyncHarness.Tenant), "sale-p-slow", CancellationToken.None);
        Assert.NotNull(sale?.ImageKey);
        Assert.Equal(1, Volatile.Read(ref _photos.Requests));
    }

    [Fact]
    public async Task APhotoThatKeepsDrippingFailsAtItsTotalDeadlineAfterOneRequest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        MapDrippingPhoto("endless.jpg", ImagingTestData.Jpeg(seed: 32));
        await using var intake = await Intake.StartAsync(this, time);
        var at = time.GetUtcNow().AddMinutes(-2);
        await intake.SubmitAsync(Events.Listed("p-drip", at));

        var sold = intake.SubmitAsync(Events.Sold("p-drip", at.AddMinutes(1), imageUrl: _photos.Url("endless.jpg")));
        await _fetching.Task.WaitAsync(Guard);
        time.Advance(TimeSpan.FromSeconds(10));
        var result = await sold.WaitAsync(Guard);

        var outcome = result.Outcomes[0];
        Assert.Equal(EventOutcomeStatus.Failed, outcome.Status);
        Assert.Contains("longer than 10 s", outcome.Reasons[0].Message, StringComparison.Ordinal);
        var letter = Assert.Single(await intake.DeadLettersAsync());
        Assert.Equal(DeadLetterCategory.RetriesExhausted, letter.Category);
        Assert.Equal("sold-p-drip", letter.EventId);
        Assert.Equal(1, Volatile.Read(ref _photos.Requests));
        Assert.Equal(0, await intake.Sales.CountSalesAsync(new TenantId(SyncHarness.Tenant), CancellationToken.None));
    }

    [Fact]
    public async Task PresignedPhotoUrlsLeaveNoSignatureInDeadLettersErrorsOrLogs()
    {
        _photos.MapBytes("missing.jpg", [], "text/plain", HttpStatusCode.NotFound);
        _photos.MapBytes("busy.jpg", [], "text/plain", HttpStatusCode.ServiceUnavailable);
        await using var intake = await Intake.StartAsync(this, TimeProvider.System);
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        await intake.SubmitAsync(Events.Batch(Events.Listed("p-404", at), Events.Listed("p-503", at)));

        var result = await intake.SubmitAsync(Events.Batch(
            Events.Sold("p-404", at.AddMinutes(1), imageUrl: _photos.Url("missing.jpg") + Presigned),
            Events.Sold("p-503", at.AddMinutes(1), imageUrl: _photos.Url("busy.jpg") + Presigned)));

        Assert.Equal([EventOutcomeStatus.Rejected, EventOutcomeStatus.Failed], result.Outcomes.Select(o => o.Status));
        var letters = await intake.DeadLettersAsync();
        Assert.Equal(2, letters.Count);
        Assert.Contains(letters, l => l.Category == DeadLetterCategory.ImageUnavailable && l.Reason.Contains("missing.jpg", StringComparison.Ordinal));
        Assert.Contains(letters, l => l.Category == DeadLetterCategory.RetriesExhausted && l.Reason.Contains("busy.jpg", StringComparison.Ordinal));
        var shown = letters.Select(l => l.Reason)
            .Concat(result.Outcomes.SelectMany(o => o.Reasons).Select(r => r.Message))
            .Concat(intake.Monitor.GetSnapshot(null).LastErrors.Select(e => e.Message))
            .Concat(_logs.Lines)
            .ToList();
        Assert.Contains(_logs.Lines, l => l.Contains("busy.jpg", StringComparison.Ordinal));
        Assert.All(shown, text =>
        {
            Assert.DoesNotContain(Signature, text, StringComparison.Ordinal);
            Assert.DoesNotContain("X-Amz-Credential", text, StringComparison.Ordinal);
        });
    }

    public void Dispose()
    {
        _release.TrySetResult();
        _photos.Dispose();
        _data.Dispose();
    }

    /// <summary>Sends the photo a byte at a time (each read gets data, so only a total deadline stops it) until the test releases the host.</summary>
    private void MapDrippingPhoto(string path, byte[] photo) => _photos.Map(path, async response =>
    {
        response.ContentType = "image/jpeg";
        response.ContentLength64 = photo.Length;
        var sent = 0;
        while (!_release.Task.IsCompleted && sent < photo.Length - 1)
        {
            await response.OutputStream.WriteAsync(photo.AsMemory(sent, 1));
            await response.OutputStream.FlushAsync();
            sent++;
            _fetching.TrySetResult();
            await Task.WhenAny(_release.Task, Task.Delay(50));
        }

        await response.OutputStream.WriteAsync(photo.AsMemory(sent));
    });

    private sealed class Intake : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly EventConsumerService _consumer;

        private Intake(IHost host)
        {
            _host = host;
            _consumer = ActivatorUtilities.CreateInstance<EventConsumerService>(host.Services);
        }

        public ISalesStore Sales => _host.Services.GetRequiredService<ISalesStore>();

        public ISyncMonitor Monitor => _host.Services.GetRequiredService<ISyncMonitor>();

        public static async Task<Intake> StartAsync(SyncIntakeHostTests test, TimeProvider time)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Portal:DataDirectory"] = test._data.Path,
                ["Sync:Images:AllowPrivateNetworks"] = "true",
                ["Sync:KnownTenants:0"] = "acme",
                ["Sync:RetryBaseDelay"] = "00:00:00",
            });
            builder.Services.AddSingleton(time);
            builder.Logging.AddProvider(test._logs);
            builder.AddPortal();
            var intake = new Intake(builder.Build());
            await intake._consumer.StartAsync(CancellationToken.None);
            return intake;
        }

        public Task<EventSubmissionResult> SubmitAsync(string body) =>
            _host.Services.GetRequiredService<IEventSubmitter>().SubmitAsync(Encoding.UTF8.GetBytes(body), new EventSubmissionOrigin(EventSubmissionOrigin.Http, null), CancellationToken.None);

        public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync() => _host.Services.GetRequiredService<IDeadLetterStore>()
            .ListAsync(new DeadLetterQuery { AllTenants = true, Status = null, Limit = 100 }, CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await _consumer.StopAsync(CancellationToken.None);
            _consumer.Dispose();
            _host.Dispose();
        }
    }

    /// <summary>Every log line of every category, with its exception, as an operator would read it.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
