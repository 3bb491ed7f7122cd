using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using static Portal.Core.Tests.Similarity.TestData;

namespace Portal.Core.Tests.Similarity;

public sealed class TitleVectoriserTests
{
    private static readonly string[] Titles =
    [
        "Paisagem com rio", "Paisagem com rio e barcos", "Retrato de senhora", "Natureza morta com flores",
        "Vista de Lisboa", "Marinha com barcos", "Sem titulo", "Composicao abstracta",
    ];

    private static InMemorySalesIndex IndexOf(params string[] titles)
    {
        var index = new InMemorySalesIndex();
        for (var i = 0; i < titles.Length; i++)
        {
            index.Add(Sale("s" + i) with { Title = titles[i] }, null);
        }

        return index;
    }

    public static TheoryData<string> Models => [TitleModels.Trigram, TitleModels.TfIdf];

    private static ITitleVectoriser Create(string model, ISalesIndex index) =>
        model == TitleModels.TfIdf ? new TfIdfTitleVectoriser(index) : new TrigramTitleVectoriser();

    private static double Similarity(ITitleVectoriser titles, string a, string b) =>
        TitleModels.Cosine(titles.For(Tenant, a), titles.For(Tenant, b));

    [Theory]
    [MemberData(nameof(Models))]
    public void SimilarTitlesAreCloserThanUnrelatedOnes(string model)
    {
        var titles = Create(model, IndexOf(Titles));

        var near = Similarity(titles, "Paisagem com rio", "Paisagem com rio e barcos");
        var far = Similarity(titles, "Paisagem com rio", "Retrato de senhora");

        Assert.True(near > 0.6, $"{model}: near {near}");
        Assert.True(near > far + 0.3, $"{model}: near {near}, far {far}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void AccentsAndCaseDoNotMatterAndVectorsAreUnitLength(string model)
    {
        var titles = Create(model, IndexOf(Titles));

        Assert.Equal(1.0, Similarity(titles, "Composição Abstracta", "composicao abstracta"), 5);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Norm(titles.For(Tenant, "Vista de Lisboa")!), 5);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void NullEmptyOrPunctuationOnlyTitlesHaveNoVector(string model)
    {
        var titles = Create(model, IndexOf(Titles));

        Assert.Null(titles.For(Tenant, null));
        Assert.Null(titles.For(Tenant, ""));
        Assert.Null(titles.For(Tenant, "   "));
        Assert.Null(titles.For(Tenant, "-- ?!"));
        Assert.Equal(0, TitleModels.Cosine(titles.For(Tenant, null), titles.For(Tenant, "Vista de Lisboa")));
    }

    [Fact]
    public void IdfDownWeightsAGramCommonToEveryTitle()
    {
        // "oleo" is in every title: it says nothing about which titles belong together.
        string[] corpus = ["Oleo paisagem", "Oleo retrato", "Oleo marinha", "Oleo flores", "Oleo cidade", "Oleo igreja"];
        var model = TfIdfTitleVectoriser.Model.FromTitles(corpus, corpus.Length);

        Assert.True(model.Idf(" ol") < model.Idf(" pa"), "a gram in every title weighs less than a rare one");
        Assert.Equal(1.0, model.Idf(" ol"), 6);

        // So two titles sharing only that word are less alike under TF-IDF than under plain 3-grams.
        var tfidf = new TfIdfTitleVectoriser(IndexOf(corpus));
        var trigram = new TrigramTitleVectoriser();
        Assert.True(
            Similarity(tfidf, "Oleo paisagem", "Oleo retrato") < Similarity(trigram, "Oleo paisagem", "Oleo retrato"),
            "IDF lowers the similarity that a shared common word brings");
    }

    [Fact]
    public void TfIdfIsPerTenantAndRefreshedWhenSalesGrowByTenPercent()
    {
        var index = IndexOf(["Oleo paisagem", "Oleo retrato"]);
        var titles = new TfIdfTitleVectoriser(index);
        var before = titles.For(Tenant, "Oleo paisagem");
        Assert.Same(before, titles.For(Tenant, "Oleo paisagem"));

        // Another tenant's titles do not move this tenant's IDF, and a tenant with no sales still gets vectors.
        index.Add(Sale("other", tenant: new TenantId("other")) with { Title = "Paisagem" }, null);
        Assert.Same(before, titles.For(Tenant, "Oleo paisagem"));
        Assert.NotNull(titles.For(new TenantId("nobody"), "Oleo paisagem"));

        index.Add(Sale("s9") with { Title = "Paisagem" }, null);
        var after = titles.For(Tenant, "Oleo paisagem");
        Assert.NotSame(before, after);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void ConcurrentCallsAgree()
    {
        var titles = new TfIdfTitleVectoriser(IndexOf(Titles));
        var vectors = new float[]?[64];
        Parallel.For(0, vectors.Length, i => vectors[i] = titles.For(Tenant, Titles[i % Titles.Length]));

        for (var i = 0; i < vectors.Length; i++)
        {
            Assert.Equal(titles.For(Tenant, Titles[i % Titles.Length]), vectors[i]);
        }
    }
}

public sealed class TitleModelOptionTests
{
    [Theory]
    [InlineData("trigram", true)]
    [InlineData("tfidf", true)]
    [InlineData("minilm", false)]
    [InlineData("bert", false)]
    [InlineData("", false)]
    public void OnlyKnownTitleModelsValidate(string model, bool valid)
    {
        var options = new Portal.Core.Pricing.Engine.PricingOptions { TitleModel = model };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var ok = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true);

        Assert.Equal(valid, ok);
        Assert.Equal(TitleModels.Trigram, new Portal.Core.Pricing.Engine.PricingOptions().TitleModel);
    }
}
