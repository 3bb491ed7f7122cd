namespace Portal.Core.Sales;

/// <summary>An image embedding with the model that made it; vectors of different models are never compared.</summary>
public sealed record StoredEmbedding(string ModelId, float[] Vector)
{
    public int Dimension => Vector.Length;
}
