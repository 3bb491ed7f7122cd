namespace Portal.Core.Sync;

/// <summary>
/// Hard limits on incoming events; the schema in <c>docs/events/</c> states the same numbers. Prices are limited per currency
/// by configuration instead (<see cref="Domain.PriceLimits"/>).
/// </summary>
public static class ProductEventLimits
{
    /// <summary>EventBridge's own limit for one event.</summary>
    public const int MaxEventBytes = 256 * 1024;
    public const int MaxBatchEvents = 100;
    public const int MaxBatchBytes = 4 * 1024 * 1024;
    public const int MaxDepth = 16;
    /// <summary>No single string value may be longer than this (characters) before field-specific limits apply.</summary>
    public const int MaxStringLength = 16 * 1024;
    public const int MaxIdLength = 128;
    public const int MaxCategoryLength = 64;
    public const int MaxBrandLength = 100;
    public const int MaxTitleLength = 300;
    public const int MaxDescriptionLength = 5_000;
    public const int MaxUrlLength = 2_048;
    public const int MaxImages = 20;
    public const int MaxResources = 10;
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
