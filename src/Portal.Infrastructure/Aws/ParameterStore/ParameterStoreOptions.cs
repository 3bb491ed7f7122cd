namespace Portal.Infrastructure.Aws.ParameterStore;

/// <summary>
/// Section <c>Aws:ParameterStore</c>, read while configuration is built (before options binding exists): the parameter path
/// whose parameters become configuration keys, an optional reload interval and, for tests, an endpoint override.
/// </summary>
public sealed record ParameterStoreOptions
{
    public const string SectionName = "Aws:ParameterStore";
    public const string PathKey = SectionName + ":Path";
    public const string ReloadIntervalKey = SectionName + ":ReloadInterval";
    public const string ServiceUrlKey = SectionName + ":ServiceUrl";

    /// <summary>Hierarchy root such as <c>/pricing-portal/prod/</c>; <c>/pricing-portal/prod/Alerts/WebhookUri</c> becomes <c>Alerts:WebhookUri</c>.</summary>
    public required string Path { get; init; }

    /// <summary>How often parameters are read again; null (the default) loads them once, at start.</summary>
    public TimeSpan? ReloadInterval { get; init; }

    /// <summary>An SSM-compatible endpoint instead of AWS's regional one.</summary>
    public string? ServiceUrl { get; init; }

    public required string Region { get; init; }
}
