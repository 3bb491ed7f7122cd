using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded.Imaging;
using SkiaSharp;

namespace Portal.Web.Tests.Api;

/// <summary>
/// Photo work is bounded: with one permit and no queue, a request held inside the embedder takes the permit, and the next
/// request with a new photo is shed at once with 429, Retry-After and a problem document; photos already embedded still price.
/// </summary>
public sealed class PricingConcurrencyTests(PricingConcurrencyTests.Portal portal) : IClassFixture<PricingConcurrencyTests.Portal>
{
    [Fact]
    public async Task ARequestOverTheLimitGets429WithRetryAfterWhileTheOneInFlightCompletes()
    {
        using var client = portal.CreateClient();
        var entered = portal.Embedder.HoldNextCall();
        var held = client.PostAsync("/api/pricing/calculate", Form(TestImages.Jpeg(color: SKColors.DarkRed)));
        await entered.WaitAsync(TimeSpan.FromMinutes(1));

        using var shed = await client.PostAsync("/api/pricing/calculate", Form(TestImages.Jpeg(color: SKColors.Navy)));

        Assert.Equal(HttpStatusCode.TooManyRequests, shed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), shed.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", shed.Content.Headers.ContentType?.MediaType);
        var problem = await shed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("busy", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        portal.Embedder.Release();
        using var completed = await held;
        Assert.Contains(completed.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity });
    }

    [Fact]
    public async Task APhotoAlreadyEmbeddedIsPricedWhileTheLimitIsTaken()
    {
        using var client = portal.CreateClient();
        var shoes = DemoSamples.ShoePhoto.ToArray();
        using (var first = await client.PostAsync("/api/pricing/calculate", Form(shoes)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var entered = portal.Embedder.HoldNextCall();
        var held = client.PostAsync("/api/pricing/calculate", Form(TestImages.Jpeg(color: SKColors.DarkGreen)));
        await entered.WaitAsync(TimeSpan.FromMinutes(1));

        using var again = await client.PostAsync("/api/pricing/calculate", Form(shoes));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        portal.Embedder.Release();
        using var completed = await held;
        Assert.Contains(completed.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity });
    }

    private static MultipartFormDataContent Form(byte[] photo)
    {
        var image = new ByteArrayContent(photo);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent
        {
            { image, "images", "photo.jpg" },
            { new StringContent("shoes"), "category" },
            { new StringContent("very_good"), "condition" },
        };
    }

    /// <summary>The real embedder, except that the call after <see cref="HoldNextCall"/> waits for <see cref="Release"/>.</summary>
    public sealed class HoldingEmbedder(OnnxImageEmbedder inner) : IEmbeddingGenerator<DataContent, Embedding<float>>
    {
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        /// <summary>Holds the next embedding; the task completes when it has started.</summary>
        public Task HoldNextCall()
        {
            _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _armed, 1);
            return _entered.Task;
        }

        public void Release() => _release.TrySetResult();

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _entered.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            return await inner.GenerateAsync(values, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
            // The inner embedder belongs to the container.
        }
    }

    /// <summary>A small demo portal with one permit, no queue and a recognisable Retry-After.</summary>
    public sealed class Portal : WebApplicationFactory<Program>, IAsyncLifetime
    {
        private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-concurrency-tests-").FullName;

        public HoldingEmbedder Embedder => Services.GetRequiredService<HoldingEmbedder>();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Portal:DataDirectory", _dataDirectory);
            builder.UseSetting("Portal:SeedDemoData", "true");
            builder.UseSetting("Portal:DemoSales", "100");
            builder.UseSetting("Pricing:Concurrency:PermitLimit", "1");
            builder.UseSetting("Pricing:Concurrency:QueueLimit", "0");
            builder.UseSetting("Pricing:Concurrency:RetryAfter", "00:00:07");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(sp => new HoldingEmbedder(sp.GetRequiredService<OnnxImageEmbedder>()));
                services.AddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(sp => sp.GetRequiredService<HoldingEmbedder>());
            });
        }

        public async Task InitializeAsync()
        {
            using var client = CreateClient();
            await DemoPortal.WaitUntilSeededAsync(client);
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await DisposeAsync();
            DemoPortal.DeleteDataDirectory(_dataDirectory);
        }
    }
}
