namespace Portal.Web.Tests;

/// <summary>The shared clothing-small data set (real photos, CC0) next to the repository, when it is there.</summary>
internal static class ClothingSmall
{
    public const string MissingMessage =
        "clothing-small not found: expected ../shared/datasets/clothing-small next to the repository (see its README).";

    private static readonly Lazy<string?> RootDirectory = new(Find);

    /// <summary>The data set's folder, or null when it is absent.</summary>
    public static string? Root => RootDirectory.Value;

    /// <summary>The first <paramref name="count"/> photos of a label in a split, in file-name order.</summary>
    public static IReadOnlyList<string> Photos(string split, string label, int count) =>
        File.ReadLines(Path.Combine(Root ?? throw new InvalidOperationException(MissingMessage), "manifest.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .Where(fields => fields.Length >= 3 && fields[2] == split && fields[1] == label)
            .Select(fields => fields[0])
            .Order(StringComparer.Ordinal)
            .Take(count)
            .Select(path => Path.Combine(Root, path))
            .ToList();

    private static string? Find()
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
