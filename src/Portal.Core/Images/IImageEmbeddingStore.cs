namespace Portal.Core.Images;

/// <summary>
/// Embeddings already computed, by model and image SHA-256, so a photo seen before (a relisted item, a redelivered event,
/// a re-imported row) never runs the model again. Vectors of different models are kept apart by the key.
/// </summary>
public interface IImageEmbeddingStore
{
    Task<float[]?> TryGetAsync(string modelId, string imageSha256, CancellationToken cancellationToken);

    /// <summary>Stores the vector; a second put of the same key keeps the first (the model is deterministic).</summary>
    Task PutAsync(string modelId, string imageSha256, ReadOnlyMemory<float> vector, CancellationToken cancellationToken);
}
