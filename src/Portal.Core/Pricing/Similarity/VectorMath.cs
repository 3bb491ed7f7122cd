using System.Numerics.Tensors;

namespace Portal.Core.Pricing.Similarity;

/// <summary>Vector helpers for embeddings: L2 normalisation, averaging several photos, cosine similarity.</summary>
public static class VectorMath
{
    /// <summary>Returns a new unit-length copy of <paramref name="vector"/>.</summary>
    /// <exception cref="ArgumentException">The vector is empty, zero, or not finite.</exception>
    public static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var norm = Norm(vector, nameof(vector));
        var result = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, result);
        return result;
    }

    /// <summary>The normalised mean of several normalised vectors (an item's 1–5 photos).</summary>
    /// <exception cref="ArgumentException">No vectors, differing lengths, or vectors that cancel out.</exception>
    public static float[] Average(IReadOnlyList<float[]> normalisedVectors)
    {
        ArgumentNullException.ThrowIfNull(normalisedVectors);
        if (normalisedVectors.Count == 0)
        {
            throw new ArgumentException("At least one vector is required.", nameof(normalisedVectors));
        }

        var dimension = normalisedVectors[0].Length;
        var sum = new float[dimension];
        foreach (var vector in normalisedVectors)
        {
            if (vector.Length != dimension)
            {
                throw new ArgumentException("Vectors must have the same dimension.", nameof(normalisedVectors));
            }

            TensorPrimitives.Add(sum, vector, sum);
        }

        return Normalize(sum);
    }

    /// <summary>Cosine similarity in [-1, 1] of two vectors of equal length.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or either vector is empty, zero or not finite.</exception>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors have different dimensions ({a.Length} and {b.Length}).", nameof(b));
        }

        var dot = TensorPrimitives.Dot(a, b);
        var cosine = dot / (Norm(a, nameof(a)) * Norm(b, nameof(b)));
        return Math.Clamp(cosine, -1f, 1f);
    }

    private static float Norm(ReadOnlySpan<float> vector, string parameter)
    {
        if (vector.IsEmpty)
        {
            throw new ArgumentException("Vector is empty.", parameter);
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm == 0f || !float.IsFinite(norm))
        {
            throw new ArgumentException("Vector has zero or non-finite length and cannot be normalised.", parameter);
        }

        return norm;
    }
}
