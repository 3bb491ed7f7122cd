using Portal.Infrastructure.Local.Text;
using Portal.Core.Similarity;

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
