using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Portal.Pricing.Similarity;

/// <summary>
/// Listing titles as hashed character 3-gram vectors (lower-cased, accents folded, words padded), L2-normalised, so the
/// cosine of two titles measures shared spelling: "Paisagem com rio" is near "Paisagem", far from "Retrato". No model
/// to load and ~2 µs per title; vectors are cached per distinct title.
/// </summary>
public sealed class TitleVectors
{
    public const int Dimension = 512;
    private const int MaxCached = 200_000;
    private readonly ConcurrentDictionary<string, float[]?> _cache = new(StringComparer.Ordinal);

    /// <summary>The title's vector, or null when it has no letters or digits.</summary>
    public float[]? For(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        if (_cache.TryGetValue(title, out var cached))
        {
            return cached;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        var vector = Compute(title);
        _cache[title] = vector;
        return vector;
    }

    /// <summary>Cosine of two titles in [0, 1]; 0 when either has none.</summary>
    public double Similarity(string? a, string? b)
    {
        var va = For(a);
        var vb = For(b);
        if (va is null || vb is null)
        {
            return 0;
        }

        return Math.Max(0, System.Numerics.Tensors.TensorPrimitives.Dot(va, vb));
    }

    internal static float[]? Compute(string title)
    {
        var folded = Fold(title);
        if (folded.Length == 0)
        {
            return null;
        }

        var vector = new float[Dimension];
        foreach (var word in folded.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = $" {word} ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                vector[Fnv1a(padded.AsSpan(i, 3)) % Dimension] += 1;
            }
        }

        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (norm <= 0)
        {
            return null;
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private static uint Fnv1a(ReadOnlySpan<char> gram)
    {
        var hash = 2166136261u;
        foreach (var c in gram)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>Lower case, accents removed, anything but letters and digits a space.</summary>
    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }

        return builder.ToString().Trim();
    }
}
