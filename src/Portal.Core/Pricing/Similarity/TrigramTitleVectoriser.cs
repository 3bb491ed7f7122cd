using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// Listing titles as hashed character 3-gram vectors (lower-cased, accents folded, words padded), L2-normalised, so the
/// cosine of two titles measures shared spelling: "Paisagem com rio" is near "Paisagem", far from "Retrato". No model
/// to load and ~2 µs per title; vectors are cached per distinct title. The default <c>Pricing:TitleModel</c>.
/// </summary>
public sealed class TrigramTitleVectoriser : ITitleVectoriser
{
    public const int Dimension = 512;
    private const int MaxCached = 200_000;
    private readonly ConcurrentDictionary<string, float[]?> _cache = new(StringComparer.Ordinal);

    public string Name => TitleModels.Trigram;

    /// <summary>The same vector for every tenant: the 3-grams are not weighted.</summary>
    public float[]? For(TenantId tenant, string? title) => For(title);

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
    public double Similarity(string? a, string? b) => TitleModels.Cosine(For(a), For(b));

    internal static float[]? Compute(string title)
    {
        var vector = new float[Dimension];
        foreach (var gram in Grams(title))
        {
            vector[Fnv1a(gram) % Dimension] += 1;
        }

        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (norm <= 0)
        {
            return null;
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    /// <summary>The title's character 3-grams (lower case, accents folded, each word padded with a space), repeats included.</summary>
    internal static IEnumerable<string> Grams(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            yield break;
        }

        foreach (var word in Fold(title).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = $" {word} ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                yield return padded.Substring(i, 3);
            }
        }
    }

    internal static uint Fnv1a(ReadOnlySpan<char> gram)
    {
        var hash = 2166136261u;
        foreach (var c in gram)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>
    /// Lower case, accents removed, anything but letters and digits a space. The project runs with invariant globalization,
    /// where <see cref="string.Normalize(NormalizationForm)"/> does not decompose, so Latin letters are folded by table too.
    /// </summary>
    internal static string Fold(string text)
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

            var lower = char.ToLowerInvariant(c);
            builder.Append(char.IsLetterOrDigit(lower) ? BaseLetters.GetValueOrDefault(lower, lower) : ' ');
        }

        return builder.ToString().Trim();
    }

    private static readonly Dictionary<char, char> BaseLetters = BuildBaseLetters();

    private static Dictionary<char, char> BuildBaseLetters()
    {
        var map = new Dictionary<char, char>();
        foreach (var (letters, letter) in new[]
                 {
                     ("àáâãäåāăą", 'a'), ("çćĉċč", 'c'), ("ďđ", 'd'), ("èéêëēĕėęě", 'e'), ("ĝğġģ", 'g'), ("ĥħ", 'h'),
                     ("ìíîïĩīĭįı", 'i'), ("ĵ", 'j'), ("ķ", 'k'), ("ĺļľŀł", 'l'), ("ñńņňŉ", 'n'), ("òóôõöøōŏő", 'o'),
                     ("ŕŗř", 'r'), ("śŝşšș", 's'), ("ţťŧț", 't'), ("ùúûüũūŭůűų", 'u'), ("ŵ", 'w'), ("ýÿŷ", 'y'), ("źżž", 'z'),
                 })
        {
            foreach (var c in letters)
            {
                map[c] = letter;
            }
        }

        return map;
    }
}
