namespace Portal.Core.Sales;

/// <summary>An image embedding with the model that made it; vectors of different models are never compared.</summary>
public sealed record StoredEmbedding(string ModelId, float[] Vector)
{
    public int Dimension => Vector.Length;

    /// <summary>Refuses an embedding without a model or without dimensions, naming the field.</summary>
    public static void ThrowIfInvalid(StoredEmbedding embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentException.ThrowIfNullOrWhiteSpace(embedding.ModelId, nameof(ModelId));
        if (embedding.Vector is not { Length: > 0 })
        {
            throw new ArgumentException("An embedding needs at least one dimension.", nameof(embedding));
        }
    }
}
