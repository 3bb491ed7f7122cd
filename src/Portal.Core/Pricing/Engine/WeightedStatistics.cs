namespace Portal.Core.Pricing.Engine;

/// <summary>Weighted quantiles and means over (value, weight) pairs; weights need not be normalised.</summary>
public static class WeightedStatistics
{
    public static double Mean(ReadOnlySpan<double> values, ReadOnlySpan<double> weights)
    {
        double sum = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i] * weights[i];
            total += weights[i];
        }

        return total > 0 ? sum / total : double.NaN;
    }

    /// <summary>exp of the weighted mean of the logs; values must be positive.</summary>
    public static double GeometricMean(ReadOnlySpan<double> values, ReadOnlySpan<double> weights)
    {
        double sum = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += Math.Log(Math.Max(1e-9, values[i])) * weights[i];
            total += weights[i];
        }

        return total > 0 ? Math.Exp(sum / total) : double.NaN;
    }

    /// <summary>
    /// Weighted quantile by interpolating between the midpoints of each value's weight interval,
    /// so that equal weights reproduce the usual median of an even-sized sample.
    /// </summary>
    public static double Quantile(ReadOnlySpan<double> values, ReadOnlySpan<double> weights, double q)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sortValues = values.ToArray();
        Array.Sort(order, (a, b) => sortValues[a] != sortValues[b] ? sortValues[a].CompareTo(sortValues[b]) : a.CompareTo(b));

        double total = 0;
        foreach (var w in weights)
        {
            total += w;
        }

        if (total <= 0)
        {
            return double.NaN;
        }

        // Midpoint of each value's cumulative weight interval, as a fraction of the total.
        var positions = new double[order.Length];
        double cumulative = 0;
        for (var i = 0; i < order.Length; i++)
        {
            var w = weights[order[i]];
            positions[i] = (cumulative + w / 2) / total;
            cumulative += w;
        }

        if (q <= positions[0])
        {
            return values[order[0]];
        }

        for (var i = 1; i < order.Length; i++)
        {
            if (q <= positions[i])
            {
                var span = positions[i] - positions[i - 1];
                var t = span > 0 ? (q - positions[i - 1]) / span : 1;
                return values[order[i - 1]] + t * (values[order[i]] - values[order[i - 1]]);
            }
        }

        return values[order[^1]];
    }

    public static double Median(ReadOnlySpan<double> values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
