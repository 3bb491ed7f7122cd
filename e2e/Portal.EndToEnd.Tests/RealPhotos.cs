using Portal.Infrastructure.Demo;

namespace Portal.EndToEnd.Tests;

/// <summary>
/// Real photos to upload: the demo's own (shipped with the portal, always there) and, for photos the demo must never have
/// seen, clothing-small's <c>test</c> split from the shared data sets next to the repository (absent → the test skips).
/// </summary>
internal static class RealPhotos
{
    public const string MissingDatasetMessage =
        "clothing-small not found: expected ../shared/datasets/clothing-small next to the repository (see its README).";

    private static readonly Lazy<string?> ClothingSmallRoot = new(FindClothingSmall);

    public static string? ClothingSmall => ClothingSmallRoot.Value;

    /// <summary>The <paramref name="index"/>-th shipped demo photo of a category (file-name order).</summary>
    public static byte[] Demo(string category, int index) =>
        DemoPhotos.Read(DemoPhotos.All.Where(p => p.Category == category).ElementAt(index).File);

    /// <summary>The first photo of a label in clothing-small's test split, never shipped in the demo.</summary>
    public static byte[] Unseen(string label)
    {
        var root = ClothingSmall ?? throw new InvalidOperationException(MissingDatasetMessage);
        var path = File.ReadLines(Path.Combine(root, "manifest.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .Where(fields => fields.Length >= 3 && fields[2] == "test" && fields[1] == label)
            .Select(fields => fields[0])
            .Order(StringComparer.Ordinal)
            .First();
        return File.ReadAllBytes(Path.Combine(root, path));
    }

    private static string? FindClothingSmall()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets", "clothing-small");
            if (File.Exists(Path.Combine(candidate, "manifest.csv")))
            {
                return candidate;
            }
        }

        return null;
    }
}
