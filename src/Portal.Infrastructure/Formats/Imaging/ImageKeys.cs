using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Portal.Infrastructure.Formats.Imaging;

/// <summary>A key the image stores generated, with the content hash it was made from.</summary>
public sealed record GeneratedImageKey(string Key, string Sha256, string ContentType);

/// <summary>
/// The photo keys of every image store (folder and S3 alike): <c>{tenant}/{sha256[0..2]}/{sha256}.{ext}</c>, generated from
/// the tenant and the content, never taken from input, so a sale carries the same key on both providers.
/// </summary>
public static partial class ImageKeys
{
    private static readonly Dictionary<string, string> ExtensionByContentType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = "jpg",
        ["image/png"] = "png",
        ["image/webp"] = "webp",
        ["image/gif"] = "gif",
    };

    private static readonly Dictionary<string, string> ContentTypeByExtension =
        ExtensionByContentType.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>The key of <paramref name="content"/> for <paramref name="tenant"/>; refuses a bad tenant, empty content or an unsupported type.</summary>
    public static GeneratedImageKey Generate(string tenant, ReadOnlyMemory<byte> content, string contentType)
    {
        if (!TenantId.TryParse(tenant, out var tenantId))
        {
            throw new ArgumentException($"Tenant id '{tenant}' is invalid.", nameof(tenant));
        }

        if (content.IsEmpty)
        {
            throw new ArgumentException("The image is empty.", nameof(content));
        }

        if (contentType is null || !ExtensionByContentType.TryGetValue(contentType, out var extension))
        {
            throw new ArgumentException($"Content type '{contentType}' is not a supported image type.", nameof(contentType));
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        return new GeneratedImageKey($"{tenantId.Value}/{sha256[..2]}/{sha256}.{extension}", sha256, ContentTypeByExtension[extension]);
    }

    /// <summary>Whether the key has exactly the generated shape (path tricks, other prefixes and other extensions are not).</summary>
    public static bool IsWellFormed(string? key)
    {
        if (key is null)
        {
            return false;
        }

        var match = KeyPattern().Match(key);
        return match.Success && key.AsSpan(match.Groups["hash"].Index, 2).SequenceEqual(match.Groups["prefix"].ValueSpan);
    }

    /// <summary>The content type a well-formed key stands for (it follows from the key we generated, not from the stored object).</summary>
    public static string ContentTypeOf(string key) => ContentTypeByExtension[key[(key.LastIndexOf('.') + 1)..]];

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,63}/(?<prefix>[0-9a-f]{2})/(?<hash>[0-9a-f]{64})\.(jpg|png|webp|gif)\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
