namespace Portal.Core.Pricing.Similarity;

/// <summary>The title vectoriser that <c>Pricing:TitleModel</c> names.</summary>
public static class TitleVectorisers
{
    public static ITitleVectoriser Create(string model, ISalesIndex index) => model switch
    {
        TitleModels.Trigram => new TrigramTitleVectoriser(),
        TitleModels.TfIdf => new TfIdfTitleVectoriser(index),
        _ => throw new ArgumentException($"Unknown title model '{model}': use {string.Join(", ", TitleModels.All)}.", nameof(model)),
    };
}
