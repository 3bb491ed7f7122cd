namespace Portal.Core.Sync;

/// <summary>
/// Lengths as the event contract counts them: in Unicode code points, as JSON Schema's <c>maxLength</c> does, so a
/// character outside the Basic Multilingual Plane (an emoji) counts once, not as its two UTF-16 units.
/// </summary>
public static class EventText
{
    /// <summary>The number of code points in <paramref name="value"/> (a lone surrogate, which a parsed JSON string cannot hold, counts once).</summary>
    public static int Length(string value)
    {
        var length = value.Length;
        for (var i = 0; i < value.Length - 1; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                length--;
                i++;
            }
        }

        return length;
    }
}
