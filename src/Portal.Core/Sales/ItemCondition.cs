namespace Portal.Core.Sales;

/// <summary>The marketplace's condition grades, best first.</summary>
public enum ItemCondition
{
    NewWithTags,
    LikeNew,
    VeryGood,
    Good,
    Fair,
    Poor,
}

public static class ItemConditions
{
    public static IReadOnlyList<ItemCondition> All { get; } = Enum.GetValues<ItemCondition>();

    /// <summary>The wire name used by the API, the events and the lake (<c>new_with_tags</c>, …).</summary>
    public static string ToWireName(this ItemCondition condition) => condition switch
    {
        ItemCondition.NewWithTags => "new_with_tags",
        ItemCondition.LikeNew => "like_new",
        ItemCondition.VeryGood => "very_good",
        ItemCondition.Good => "good",
        ItemCondition.Fair => "fair",
        ItemCondition.Poor => "poor",
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, null),
    };

    public static bool TryParse(string? value, out ItemCondition condition)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToWireName(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                condition = candidate;
                return true;
            }
        }

        condition = default;
        return false;
    }

    public static string WireNames => string.Join(", ", All.Select(c => c.ToWireName()));
}
