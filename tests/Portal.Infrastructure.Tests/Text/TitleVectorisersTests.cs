using Portal.Core.Pricing.Similarity;

namespace Portal.Infrastructure.Tests.Text;

public sealed class TitleVectorisersTests
{
    [Fact]
    public void TheFactoryBuildsEachConfiguredModelAndRefusesOthers()
    {
        var index = new InMemorySalesIndex();

        Assert.IsType<TrigramTitleVectoriser>(TitleVectorisers.Create(TitleModels.Trigram, index));
        Assert.IsType<TfIdfTitleVectoriser>(TitleVectorisers.Create(TitleModels.TfIdf, index));
        Assert.Throws<ArgumentException>(() => TitleVectorisers.Create("minilm", index));
    }
}
