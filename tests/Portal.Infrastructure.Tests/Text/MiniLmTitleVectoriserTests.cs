using Portal.Infrastructure.Local.Text;
using Portal.Pricing.Domain;
using Portal.Pricing.Similarity;

namespace Portal.Infrastructure.Tests.Text;

/// <summary>The MiniLM model ships inside its package's assembly, so these run the real model (a few seconds to load).</summary>
public sealed class MiniLmTitleVectoriserTests
{
    private static readonly MiniLmTitleVectoriser Titles = new();
    private static readonly TenantId Tenant = new("acme");

    [Fact]
    public void SimilarTitlesAreCloserThanUnrelatedOnes()
    {
        var near = TitleModels.Cosine(Titles.For(Tenant, "Landscape with river"), Titles.For(Tenant, "River landscape with boats"));
        var far = TitleModels.Cosine(Titles.For(Tenant, "Landscape with river"), Titles.For(Tenant, "Portrait of a lady"));

        Assert.True(near > far + 0.2, $"near {near}, far {far}");
    }

    [Fact]
    public void VectorsAreUnitLength384AndCachedPerTitle()
    {
        var vector = Titles.For(Tenant, "Paisagem com rio")!;

        Assert.Equal(384, vector.Length);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Norm(vector), 3);
        Assert.Same(vector, Titles.For(new TenantId("other"), "Paisagem com rio"));
    }

    [Fact]
    public void NullEmptyOrPunctuationOnlyTitlesHaveNoVector()
    {
        Assert.Null(Titles.For(Tenant, null));
        Assert.Null(Titles.For(Tenant, ""));
        Assert.Null(Titles.For(Tenant, "  "));
        Assert.Null(Titles.For(Tenant, "-- ?!"));
    }

    [Fact]
    public void TheFactoryBuildsEachConfiguredModel()
    {
        var index = new InMemorySalesIndex();
        Assert.IsType<TrigramTitleVectoriser>(TitleVectorisers.Create(TitleModels.Trigram, index));
        Assert.IsType<TfIdfTitleVectoriser>(TitleVectorisers.Create(TitleModels.TfIdf, index));
        Assert.IsType<MiniLmTitleVectoriser>(TitleVectorisers.Create(TitleModels.MiniLm, index));
        Assert.Throws<ArgumentException>(() => TitleVectorisers.Create("bert", index));
    }
}
