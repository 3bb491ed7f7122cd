using System.Text.RegularExpressions;

namespace Portal.Core.Sales;

/// <summary>A tenant's identifier: lower-case letters, digits and dashes, so it is safe in keys and paths.</summary>
public readonly partial record struct TenantId
{
    public string Value { get; }

    public TenantId(string value)
    {
        if (!TryValidate(value, out var error))
        {
            throw new ArgumentException(error, nameof(value));
        }

        Value = value;
    }

    public static bool TryParse(string? value, out TenantId tenant)
    {
        tenant = default;
        if (!TryValidate(value, out _))
        {
            return false;
        }

        tenant = new TenantId(value!);
        return true;
    }

    private static bool TryValidate(string? value, out string error)
    {
        if (string.IsNullOrWhiteSpace(value) || !Pattern().IsMatch(value))
        {
            error = $"Tenant id '{value}' is invalid: use 1-64 lower-case letters, digits or dashes.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    public override string ToString() => Value;

    // \z, not $: $ also matches before a final line feed, which would let "demo\n" through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z")]
    private static partial Regex Pattern();
}
