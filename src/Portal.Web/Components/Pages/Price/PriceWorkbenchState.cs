using Portal.Core.Pricing;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>
/// What the price workbench holds between renders: the item as the analyst fills it in, the last suggestion and the
/// inputs it came from, the comparables left out, the override being typed and the decision saved. Plain state with
/// its transitions; the page only calls the services and renders. One item at a time: <see cref="NextItem"/> (or a new
/// photo once there is a result) starts the next one with a new <see cref="ItemId"/>, the key its decision is saved under.
/// </summary>
public sealed class PriceWorkbenchState
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
    private readonly List<string> _excluded = [];
    private readonly Dictionary<string, Comparable> _excludedRows = new(StringComparer.Ordinal);

    /// <summary>The item being priced: a saved decision takes it as its id, so saving the same item twice saves it once.</summary>
    public string ItemId { get; private set; } = NewItemId();

    public IReadOnlyList<PhotoItem> Photos { get; private set; } = [];

    public string? Category { get; private set; }

    public string? Condition { get; set; }

    public string? Brand { get; set; }

    public string? Title { get; set; }

    public bool Busy { get; private set; }

    public bool Saving { get; private set; }

    /// <summary>The service's errors per field (keys as the API's field names), shown beside the fields.</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors { get; private set; } = NoErrors;

    public string? Error { get; private set; }

    public string? CannotPrice { get; private set; }

    public PricingSuggestion? Suggestion { get; private set; }

    /// <summary>The inputs <see cref="Suggestion"/> came from: what Accept and Override record, not what the form holds now.</summary>
    public PricedItem? Priced { get; private set; }

    public IReadOnlyList<string> Excluded => _excluded;

    public OverrideDraft Override { get; } = new();

    public PricingDecision? Saved { get; private set; }

    /// <summary>A weak or fallback suggestion's Accept was pressed once: it waits for "Accept anyway".</summary>
    public bool ConfirmingAccept { get; private set; }

    /// <summary>A decision is saved for this item: it is done, nothing more to suggest, exclude, accept or override.</summary>
    public bool Decided => Saved is not null;

    public bool CanSuggest => !Busy && !Decided && Photos.Count > 0 && !string.IsNullOrEmpty(Category) && !string.IsNullOrEmpty(Condition);

    /// <summary>Accept and Override are live: a suggestion is shown, nothing is running and no decision is saved yet.</summary>
    public bool CanDecide => Suggestion is not null && !Busy && !Saving && !Decided;

    /// <summary>Only a strong verdict accepts in one step; a weak or fallback one asks first (or Override).</summary>
    public bool AcceptNeedsConfirmation => Suggestion is { Verdict.Level: not VerdictLevel.Strong };

    /// <summary>
    /// The suggestion's comparables, then those left out (weight 0) so they can be brought back, then in a fallback the few
    /// look-alikes found that did not make the price.
    /// </summary>
    public IReadOnlyList<ComparableRow> Rows =>
        (Suggestion?.Comparables.Select(c => new ComparableRow(c, false)) ?? [])
        .Concat(_excluded.Where(_excludedRows.ContainsKey).Select(id => new ComparableRow(_excludedRows[id], true)))
        .Concat(Suggestion?.LookAlikesNotUsed.Select(c => new ComparableRow(c, false, NotUsed: true)) ?? [])
        .ToArray();

    /// <summary>
    /// This item came to a result (a price, "cannot price", a decision): a new photo starts the next item. A failure is no
    /// result: photos added after it still belong to the item.
    /// </summary>
    public bool HasResult => Suggestion is not null || CannotPrice is not null || Decided;

    public string? FieldError(string field) => FieldErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>
    /// The photos as picked. Photos added once the item has a result belong to the next item: it starts with only them
    /// rather than mixing them into an item already priced (or saved).
    /// </summary>
    public void SetPhotos(IReadOnlyList<PhotoItem> photos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        var added = photos.Where(p => !Photos.Contains(p)).ToArray();
        if (HasResult && added.Length > 0)
        {
            NextItem();
            photos = added;
        }

        Photos = photos;
        ClearFieldError("images");
    }

    /// <summary>Clears photos, fields, result and decision for the next item, which gets a new <see cref="ItemId"/>.</summary>
    public void NextItem()
    {
        ItemId = NewItemId();
        Photos = [];
        Category = null;
        Condition = null;
        Brand = null;
        Title = null;
        Busy = false;
        Saving = false;
        FieldErrors = NoErrors;
        Error = null;
        CannotPrice = null;
        Suggestion = null;
        Priced = null;
        Saved = null;
        ConfirmingAccept = false;
        _excluded.Clear();
        _excludedRows.Clear();
        Override.Reset();
    }

    public void SetCategory(string? category)
    {
        Category = category;
        ClearFieldError("category");
    }

    /// <summary>A fresh suggestion for the form as it is now: earlier exclusions do not carry over. Null when the form is incomplete.</summary>
    public PricedItem? StartSuggestion(DateTimeOffset now)
    {
        if (!CanSuggest)
        {
            return null;
        }

        _excluded.Clear();
        _excludedRows.Clear();
        return new PricedItem(ItemId, Photos, Category!, Condition!, Clean(Brand), Clean(Title), now);
    }

    /// <summary>Leaves a comparable out, or brings it back; the item to price again, or null when there is nothing to re-price.</summary>
    public PricedItem? ToggleExcluded(string saleId)
    {
        if (Priced is null || Busy || Decided)
        {
            return null;
        }

        if (_excluded.Remove(saleId))
        {
            _excludedRows.Remove(saleId);
        }
        else if (Suggestion?.Comparables.FirstOrDefault(c => c.SaleId == saleId) is { } comparable)
        {
            _excluded.Add(saleId);
            _excludedRows[saleId] = comparable;
        }

        return Priced;
    }

    public PriceItemRequest RequestFor(TenantId tenant, PricedItem item) => new()
    {
        Tenant = tenant,
        Images = item.Photos.Select(p => (ReadOnlyMemory<byte>)p.Content).ToArray(),
        Category = item.Category,
        Condition = item.Condition,
        Brand = item.Brand,
        Title = item.Title,
        PricingDate = item.PricingDate,
        ExcludedSaleIds = _excluded.ToArray(),
    };

    public void BeginPricing()
    {
        Busy = true;
        Error = null;
        CannotPrice = null;
        ConfirmingAccept = false;
        Override.IsOpen = false;
    }

    public void Apply(PricedItem item, PriceItemOutcome outcome)
    {
        Busy = false;
        Suggestion = null;
        Priced = null;
        FieldErrors = NoErrors;
        switch (outcome)
        {
            case PriceItemOutcome.Priced priced:
                Suggestion = priced.Suggestion;
                Priced = item;
                break;
            case PriceItemOutcome.CannotPrice cannot:
                CannotPrice = cannot.Reason;
                break;
            case PriceItemOutcome.Invalid invalid:
                FieldErrors = invalid.Errors;
                break;
            default:
                // Refused photos and a busy portal: said where the photos are picked.
                FieldErrors = new Dictionary<string, string[]> { ["images"] = [PhotoProblem(outcome)] };
                break;
        }
    }

    public void PricingFailed(string message)
    {
        Busy = false;
        Suggestion = null;
        Priced = null;
        Error = $"Pricing failed: {message}";
    }

    /// <summary>The page went away while pricing: nothing to show, only the busy flag to drop.</summary>
    public void PricingAbandoned() => Busy = false;

    public void StartOverride()
    {
        ConfirmingAccept = false;
        Override.Open(Suggestion?.Price);
    }

    /// <summary>Accept pressed: true when the price is to be saved now; false when a weak or fallback verdict asks first.</summary>
    public bool RequestAccept()
    {
        if (!CanDecide)
        {
            return false;
        }

        if (AcceptNeedsConfirmation && !ConfirmingAccept)
        {
            ConfirmingAccept = true;
            return false;
        }

        return true;
    }

    public void CancelAccept() => ConfirmingAccept = false;

    /// <summary>False when a save is already running or done for this item: the second click saves nothing.</summary>
    public bool BeginSaving()
    {
        if (!CanDecide)
        {
            return false;
        }

        Saving = true;
        return true;
    }

    public void DecisionSaved(PricingDecision decision)
    {
        Saving = false;
        ConfirmingAccept = false;
        Saved = decision;
        Override.Close();
    }

    public void SaveFailed(string message)
    {
        Saving = false;
        Error = $"The decision could not be saved: {message}";
    }

    private void ClearFieldError(string field) => FieldErrors = FieldErrors.Where(e => e.Key != field).ToDictionary();

    private static string PhotoProblem(PriceItemOutcome outcome) => outcome switch
    {
        PriceItemOutcome.TooLarge tooLarge => tooLarge.Detail,
        PriceItemOutcome.NotAnImage notAnImage => notAnImage.Detail,
        PriceItemOutcome.Busy busy => busy.Detail,
        _ => "The photos were refused.",
    };

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string NewItemId() => Guid.NewGuid().ToString("N");
}

/// <summary>The analyst's own price and reason, checked before it is saved.</summary>
public sealed class OverrideDraft
{
    public bool IsOpen { get; set; }

    public decimal? Price { get; set; }

    public string? Reason { get; set; }

    public string? PriceError { get; private set; }

    public string? ReasonError { get; private set; }

    /// <summary>Opens the form; the price typed earlier stays, else the suggested price is the starting point.</summary>
    public void Open(decimal? suggestedPrice)
    {
        IsOpen = true;
        Price ??= suggestedPrice;
        PriceError = null;
        ReasonError = null;
    }

    public void Close()
    {
        IsOpen = false;
        Reason = null;
    }

    /// <summary>Nothing typed: the next item's override starts from its own suggestion.</summary>
    public void Reset()
    {
        Close();
        Price = null;
        PriceError = null;
        ReasonError = null;
    }

    /// <summary>The price to save, rounded to cents, or null with the errors set.</summary>
    public decimal? Validate(PriceLimits limits, string? currency)
    {
        var rounded = Price is { } price ? Math.Round(price, 2, MidpointRounding.AwayFromZero) : (decimal?)null;
        PriceError = rounded is { } value ? limits.Check(value, currency) : "Enter the price you set.";
        ReasonError = string.IsNullOrWhiteSpace(Reason) ? "Say why you override the suggestion." : null;
        return PriceError is null && ReasonError is null ? rounded : null;
    }
}
