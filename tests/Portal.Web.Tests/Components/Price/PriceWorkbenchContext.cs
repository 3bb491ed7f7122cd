using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Portal.Core.Images;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Web.Components.Pages.Price;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components.Price;

/// <summary>
/// bunit context for the price workbench: real pricing service, index, inspector, quality assessor, image store and
/// decision store (temporary folder); only the embedding model is a fake that returns fixed vectors.
/// </summary>
public abstract class PriceWorkbenchContext : BunitContext, IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    public static readonly TenantId Tenant = new("acme");

    private readonly string _folder = Directory.CreateTempSubdirectory("portal-price-tests-").FullName;

    protected PriceWorkbenchContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });

        var auth = AddAuthorization();
        auth.SetAuthorized("ana@example.com");
        auth.SetRoles(PortalRoles.Analyst);
        auth.SetPolicies(PortalPolicies.Pricing);
        auth.SetClaims(new Claim(PortalClaims.Tenant, Tenant.Value));

        Index = new InMemorySalesIndex();
        SeedSales(Index);
        Time = new FakeTimeProvider(Now);
        Embedder = new FixedEmbedder();
        Quality = new CountingQualityAssessor(new LocalQualityAssessor());
        DecisionStore = new SqlitePricingDecisionStore(Path.Combine(_folder, "sales.db"));

        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton<ISalesIndex>(Index);
        Services.AddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(Embedder);
        Services.AddSingleton<IQualityAssessor>(Quality);
        Services.AddSingleton<IImageInspector>(new ImageInspector());
        Services.AddSingleton<IImageStore>(new FileImageStore(new FileImageStoreOptions { RootDirectory = Path.Combine(_folder, "images") }));
        Services.AddSingleton<IPricingDecisionStore>(DecisionStore);
        Services.AddSingleton(Options.Create(new PricingOptions()));
        Services.AddSingleton(Options.Create(new PricingLimits()));
        Services.AddSingleton(Options.Create(new PriceLimits()));
        Services.AddSingleton<VisualSimilarityPricingEngine>();
        Services.AddSingleton(new EmbeddingCache());
        Services.AddSingleton(new QualityCache());
        Services.AddSingleton(Options.Create(new PricingConcurrencyOptions()));
        Services.AddSingleton<PricingWorkLimiter>();
        // The index is complete unless a test registers a warming progress of its own.
        var loaded = new IndexLoadProgress();
        loaded.Completed();
        Services.AddSingleton(loaded);
        Services.AddSingleton<PricingService>();
        Services.AddPriceWorkbench();
    }

    protected InMemorySalesIndex Index { get; }

    protected FakeTimeProvider Time { get; }

    protected FixedEmbedder Embedder { get; }

    protected CountingQualityAssessor Quality { get; }

    protected SqlitePricingDecisionStore DecisionStore { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        DecisionStore.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; it is in the temp directory anyway.
        }
    }

    /// <summary>Six shoe sales that look like any upload (similarity 0.99…0.85), and one lonely sale in 'rare'.</summary>
    private static void SeedSales(InMemorySalesIndex index)
    {
        var brands = new[] { "acme", "zeta", "acme", "nova", "zeta", "acme" };
        for (var i = 0; i < 6; i++)
        {
            var vector = new float[FixedEmbedder.Dimension];
            vector[0] = 1f;
            vector[1] = 0.1f * (i + 1);
            index.Add(new SaleRecord
            {
                Tenant = Tenant,
                ProductId = $"p{i}",
                SaleId = $"s{i}",
                Category = "shoes",
                Brand = brands[i],
                Condition = ItemCondition.Good,
                Title = $"Boots {i}",
                SoldPrice = 40m + 10m * i,
                Currency = "EUR",
                SoldAt = Now.AddDays(-3 - 4 * i),
                Source = "test",
            }, new StoredEmbedding(FixedEmbedder.Model, vector));
        }

        index.Add(new SaleRecord
        {
            Tenant = Tenant, ProductId = "r0", SaleId = "r0", Category = "rare", SoldPrice = 99m, Currency = "EUR", SoldAt = Now.AddDays(-10), Source = "test",
        }, null);
    }
}

/// <summary>The model port's fake: every image embeds to the same unit vector; counts calls; can be told to fail.</summary>
public sealed class FixedEmbedder : IEmbeddingGenerator<DataContent, Embedding<float>>
{
    public const string Model = "fixed-test-v1";
    public const int Dimension = 8;

    private readonly EmbeddingGeneratorMetadata _metadata = new("fixed", defaultModelId: Model, defaultModelDimensions: Dimension);

    public int Calls { get; private set; }

    public Exception? Failure { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var _ in values)
        {
            Calls++;
            var vector = new float[Dimension];
            vector[0] = 1f;
            result.Add(new Embedding<float>(vector) { ModelId = Model });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}

public sealed class CountingQualityAssessor(IQualityAssessor inner) : IQualityAssessor
{
    public int Calls { get; private set; }

    public Task<QualityAssessment> AssessAsync(IReadOnlyList<ImageUpload> images, CancellationToken cancellationToken)
    {
        Calls++;
        return inner.AssessAsync(images, cancellationToken);
    }
}
