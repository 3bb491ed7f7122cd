
namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// Turns a listing title into a unit vector, so that the dot product of two titles is their similarity (the engine adds
/// <c>Pricing:TitleWeight</c> × that to a comparable's score). Implementations cache per title and are safe for concurrent use.
/// </summary>
public interface ITitleVectoriser
{
    /// <summary>The model's name as configured in <c>Pricing:TitleModel</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The title's L2-normalised vector in the tenant's title space (a model that learns from the tenant's titles, such as
    /// TF-IDF, uses them; the others ignore the tenant), or null when the title has no letters or digits.
    /// </summary>
    float[]? For(TenantId tenant, string? title);
}

/// <summary>
/// The title models <c>Pricing:TitleModel</c> may name. A MiniLM sentence embedding was measured too and dropped: no better
/// on sold prices, and its package puts ~87 MB into every output (docs/decisions/pricing-signals.md, "Title signal").
/// </summary>
public static class TitleModels
{
    /// <summary>Hashed character 3-grams, no weighting (the default).</summary>
    public const string Trigram = "trigram";

    /// <summary>Character 3-grams weighted by inverse document frequency over the tenant's titles.</summary>
    public const string TfIdf = "tfidf";

    public static readonly IReadOnlyList<string> All = [Trigram, TfIdf];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);

    /// <summary>Similarity of two titles' vectors in [0, 1]; 0 when either has none.</summary>
    public static double Cosine(float[]? a, float[]? b) =>
        a is null || b is null ? 0 : Math.Max(0, System.Numerics.Tensors.TensorPrimitives.Dot(a, b));
}
