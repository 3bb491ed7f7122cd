using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using Portal.Core.Sales;

namespace Portal.Core.Sync;

/// <summary>
/// Business rules for a parsed <see cref="ProductEvent"/>, with field-level errors named by their JSON path
/// (<c>detail.soldPrice</c>). Whether the tenant exists is not decided here: the pipeline asks the store.
/// </summary>
public sealed partial class ProductEventValidator : AbstractValidator<ProductEvent>
{
    public const string ExpectedVersion = "0";
    public const string ExpectedSource = "carousel.products";

    public ProductEventValidator(TimeProvider time, PriceLimits priceLimits)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(priceLimits);

        RuleFor(e => e.Version).Equal(ExpectedVersion).OverridePropertyName("version")
            .WithMessage($"must be \"{ExpectedVersion}\".");
        RuleFor(e => e.Source).Equal(ExpectedSource).OverridePropertyName("source")
            .WithMessage($"must be \"{ExpectedSource}\".");
        RuleFor(e => e.Id).Must(BeSafeId).OverridePropertyName("id").WithMessage(SafeIdMessage);
        RuleFor(e => e.Account).Must(a => a is null || EventText.Length(a) <= 64).OverridePropertyName("account")
            .WithMessage("must be at most 64 characters.");
        RuleFor(e => e.Region).Must(r => r is null || EventText.Length(r) <= 32).OverridePropertyName("region")
            .WithMessage("must be at most 32 characters.");
        RuleFor(e => e.Resources).Must(r => r.Count <= ProductEventLimits.MaxResources)
            .OverridePropertyName("resources").WithMessage($"must have at most {ProductEventLimits.MaxResources} entries.");
        RuleFor(e => e.Time).Must(t => NotInFuture(t, time)).OverridePropertyName("time")
            .WithMessage(e => FutureMessage(e.Time, time));
        RuleFor(e => e.Time).GreaterThanOrEqualTo(ProductEventLimits.Earliest).OverridePropertyName("time")
            .WithMessage($"must not be before {ProductEventLimits.Earliest:yyyy-MM-dd}.");

        // Every type: who and what.
        RuleFor(e => e.Detail.TenantId).NotEmpty().OverridePropertyName("detail.tenantId").WithMessage("is required.");
        RuleFor(e => e.Detail.TenantId).Must(t => TenantId.TryParse(t, out _)).When(e => !string.IsNullOrEmpty(e.Detail.TenantId))
            .OverridePropertyName("detail.tenantId").WithMessage("must be 1-64 lower-case letters, digits or dashes, starting with a letter or digit.");
        RequiredSafeId(e => e.Detail.ProductId, "detail.productId");

        // Optional fields are checked whenever they are present, whatever the type.
        RuleFor(e => e.Detail.Category).Matches(CategoryPattern()).When(e => e.Detail.Category is not null)
            .OverridePropertyName("detail.category").WithMessage("must be 1-64 lower-case letters, digits or dashes.");
        Text(e => e.Detail.Brand, "detail.brand", ProductEventLimits.MaxBrandLength, allowLineBreaks: false);
        Text(e => e.Detail.Title, "detail.title", ProductEventLimits.MaxTitleLength, allowLineBreaks: false);
        Text(e => e.Detail.Description, "detail.description", ProductEventLimits.MaxDescriptionLength, allowLineBreaks: true);
        RuleFor(e => e.Detail.Condition).Must(c => ItemConditions.All.Any(x => x.ToWireName() == c)).When(e => e.Detail.Condition is not null)
            .OverridePropertyName("detail.condition").WithMessage($"must be one of {ItemConditions.WireNames}.");
        Price(e => e.Detail.AskingPrice, "detail.askingPrice", priceLimits);
        Price(e => e.Detail.SoldPrice, "detail.soldPrice", priceLimits);
        RuleFor(e => e.Detail.Currency).Matches(CurrencyPattern()).When(e => e.Detail.Currency is not null)
            .OverridePropertyName("detail.currency").WithMessage("must be an ISO 4217 code: three upper-case letters (EUR).");
        RuleFor(e => e.Detail.SaleId).Must(BeSafeId).When(e => e.Detail.SaleId is not null)
            .OverridePropertyName("detail.saleId").WithMessage(SafeIdMessage);
        RuleFor(e => e.Detail.SoldAt).Must(t => NotInFuture(t!.Value, time)).When(e => e.Detail.SoldAt is not null)
            .OverridePropertyName("detail.soldAt").WithMessage(e => FutureMessage(e.Detail.SoldAt!.Value, time));
        RuleFor(e => e.Detail.SoldAt).GreaterThanOrEqualTo(ProductEventLimits.Earliest).When(e => e.Detail.SoldAt is not null)
            .OverridePropertyName("detail.soldAt").WithMessage($"must not be before {ProductEventLimits.Earliest:yyyy-MM-dd}.");
        RuleFor(e => e.Detail.ImageKey).Must(BeImageKey).When(e => e.Detail.ImageKey is not null)
            .OverridePropertyName("detail.imageKey").WithMessage(ImageKeyMessage);
        RuleFor(e => e.Detail.ImageUrl).Must(BeImageUrl).When(e => e.Detail.ImageUrl is not null)
            .OverridePropertyName("detail.imageUrl").WithMessage(ImageUrlMessage);
        Images(e => e.Detail.ImageKeys, "detail.imageKeys", BeImageKey, ImageKeyMessage);
        Images(e => e.Detail.ImageUrls, "detail.imageUrls", BeImageUrl, ImageUrlMessage);

        // A key names a photo in one tenant's store: another tenant's key is refused here, before any cache or store is asked.
        RuleFor(e => e.Detail.ImageKey).Must((e, key) => BelongsToTenant(key!, e.Detail.TenantId))
            .When(e => BeImageKey(e.Detail.ImageKey) && TenantId.TryParse(e.Detail.TenantId, out _))
            .OverridePropertyName("detail.imageKey").WithMessage(OtherTenantKeyMessage);
        RuleFor(e => e.Detail.ImageKeys).Custom((keys, context) =>
        {
            var tenant = context.InstanceToValidate.Detail.TenantId;
            if (keys is null || !TenantId.TryParse(tenant, out _))
            {
                return;
            }

            for (var i = 0; i < keys.Count; i++)
            {
                if (BeImageKey(keys[i]) && !BelongsToTenant(keys[i], tenant))
                {
                    context.AddFailure(new ValidationFailure($"detail.imageKeys[{i}]", OtherTenantKeyMessage));
                }
            }
        });

        // Required per type. product.updated is a full snapshot, so it needs what product.listed needs.
        When(e => e.Type is ProductEventType.Listed or ProductEventType.Updated, () =>
        {
            Required(e => e.Detail.Category, "detail.category");
            Required(e => e.Detail.Condition, "detail.condition");
            Required(e => e.Detail.Title, "detail.title");
            RuleFor(e => e.Detail.AskingPrice).NotNull().OverridePropertyName("detail.askingPrice").WithMessage("is required.");
            Required(e => e.Detail.Currency, "detail.currency");
        });
        When(e => e.Type is ProductEventType.Sold, () =>
        {
            Required(e => e.Detail.Category, "detail.category");
            Required(e => e.Detail.SaleId, "detail.saleId");
            RuleFor(e => e.Detail.SoldPrice).NotNull().OverridePropertyName("detail.soldPrice").WithMessage("is required.");
            Required(e => e.Detail.Currency, "detail.currency");
            RuleFor(e => e.Detail.SoldAt).NotNull().OverridePropertyName("detail.soldAt").WithMessage("is required.");
        });
    }

    private const string SafeIdMessage = "must be 1-128 characters without control characters, path separators or '..'.";
    private const string OtherTenantKeyMessage = "must be a key of the event's own tenant (detail.tenantId).";
    private const string ImageKeyMessage = "must be an image-store key: <tenant>/<2 hex>/<64 hex>.(jpg|png|webp|gif).";
    private const string ImageUrlMessage = "must be an absolute http(s) URL of at most 2048 characters: lower-case scheme, ASCII host name, no credentials, spaces or backslashes.";

    /// <summary>Flattens a FluentValidation result into the sync service's error shape.</summary>
    public static IReadOnlyList<EventError> ToEventErrors(ValidationResult result) =>
        [.. result.Errors.Select(f => new EventError(f.PropertyName, f.ErrorMessage))];

    internal static bool BeSafeId(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && EventText.Length(value) <= ProductEventLimits.MaxIdLength
        && value != "." && !value.Contains("..", StringComparison.Ordinal)
        && !value.Any(c => char.IsControl(c) || c is '/' or '\\');

    internal static bool BeImageKey(string? value) => value is not null && ImageKeyPattern().IsMatch(value);

    private static bool BelongsToTenant(string key, string? tenant) =>
        tenant is not null && key.Length > tenant.Length && key.StartsWith(tenant, StringComparison.Ordinal) && key[tenant.Length] == '/';

    /// <summary>
    /// The published grammar (<see cref="ImageUrlPattern"/>), so a publisher's schema check and ours agree, and then what
    /// <see cref="Uri"/> makes of it: lenient parsing alone would take "HTTPS:\\host\a.jpg" or "https://@host/".
    /// </summary>
    internal static bool BeImageUrl(string? value) =>
        value is not null
        && EventText.Length(value) <= ProductEventLimits.MaxUrlLength
        && ImageUrlPattern().IsMatch(value)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !string.IsNullOrEmpty(uri.Host);

    private static bool NotInFuture(DateTimeOffset at, TimeProvider time) => at <= time.GetUtcNow() + ProductEventLimits.MaxClockSkew;

    private static string FutureMessage(DateTimeOffset at, TimeProvider time) =>
        $"{at:O} is in the future (now {time.GetUtcNow():O}; at most {ProductEventLimits.MaxClockSkew.TotalMinutes:0} minutes of clock skew).";

    private void Required(System.Linq.Expressions.Expression<Func<ProductEvent, string?>> field, string path) =>
        RuleFor(field).NotEmpty().OverridePropertyName(path).WithMessage("is required.");

    private void RequiredSafeId(System.Linq.Expressions.Expression<Func<ProductEvent, string?>> field, string path)
    {
        RuleFor(field).NotEmpty().OverridePropertyName(path).WithMessage("is required.");
        // Compiled once: compiling the expression per validation cost more than the rest of the validation together.
        var read = field.Compile();
        RuleFor(field).Must(BeSafeId).When(e => !string.IsNullOrEmpty(read(e)))
            .OverridePropertyName(path).WithMessage(SafeIdMessage);
    }

    private void Text(System.Linq.Expressions.Expression<Func<ProductEvent, string?>> field, string path, int max, bool allowLineBreaks)
    {
        RuleFor(field).Must(v => v is null || EventText.Length(v) <= max).OverridePropertyName(path)
            .WithMessage(e => $"must be at most {max} characters.");
        RuleFor(field).Must(v => v is null || !v.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
            .OverridePropertyName(path).WithMessage(allowLineBreaks ? "must not contain control characters other than line breaks and tabs." : "must not contain control characters.");
    }

    /// <summary>The limits of the event's own currency; without a valid currency that field's error says enough, so the default applies.</summary>
    private void Price(System.Linq.Expressions.Expression<Func<ProductEvent, decimal?>> field, string path, PriceLimits limits)
    {
        var read = field.Compile();
        RuleFor(field).Must((e, p) => p is null || limits.Check(p.Value, e.Detail.Currency) is null)
            .OverridePropertyName(path).WithMessage(e => limits.Check(read(e)!.Value, e.Detail.Currency)!);
    }

    private void Images(System.Linq.Expressions.Expression<Func<ProductEvent, IReadOnlyList<string>?>> field, string path, Func<string?, bool> valid, string message)
    {
        RuleFor(field).Must(list => list is null || list.Count <= ProductEventLimits.MaxImages)
            .OverridePropertyName(path).WithMessage($"must have at most {ProductEventLimits.MaxImages} entries.");
        RuleFor(field).Custom((list, context) =>
        {
            if (list is null)
            {
                return;
            }

            for (var i = 0; i < list.Count; i++)
            {
                if (!valid(list[i]))
                {
                    context.AddFailure(new ValidationFailure($"{path}[{i}]", message));
                }
            }
        });
    }

    // The patterns end in \z, not $: in .NET $ also matches before a final line feed ("EUR\n").
    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}/[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|png|webp|gif)\z")]
    private static partial Regex ImageKeyPattern();

    /// <summary>
    /// Lower-case http(s), a DNS name or dotted address (ASCII labels, punycode for others), an optional port up to 65535,
    /// then anything but control characters, spaces and backslashes. No user info: '@' cannot appear before the path.
    /// </summary>
    [GeneratedRegex(@"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(?:[/?#][^\u0000-\u0020\u007F-\u009F\\]*)?\z")]
    private static partial Regex ImageUrlPattern();
}
