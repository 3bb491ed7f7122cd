
namespace Portal.Core.Pricing.Engine;

/// <summary>Moves a price observed at one condition grade to another, using the configured relative values.</summary>
public sealed class ConditionLadder(IReadOnlyDictionary<string, double> values)
{
    public double ValueOf(ItemCondition condition) =>
        values.TryGetValue(condition.ToWireName(), out var value) && value > 0 ? value : 1.0;

    /// <summary>1 when either condition is unknown: nothing to normalise from or to.</summary>
    public double Factor(ItemCondition? from, ItemCondition? to) =>
        from is null || to is null ? 1.0 : ValueOf(to.Value) / ValueOf(from.Value);
}
