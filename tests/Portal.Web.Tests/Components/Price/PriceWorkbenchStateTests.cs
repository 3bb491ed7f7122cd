using Portal.Core.Pricing;
using Portal.Core.Pricing.Engine;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.Price;

namespace Portal.Web.Tests.Components.Price;

/// <summary>The workbench's transitions, without a renderer: what each outcome shows and what the next request carries.</summary>
public sealed class PriceWorkbenchStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly TenantId Tenant = new("demo");

    private static PriceWorkbenchState Filled()
    {
        var state = new PriceWorkbenchState { Condition = "very_good", Brand = "  Acme ", Title = " " };
        state.SetPhotos([new PhotoItem("shoe.jpg", "image/jpeg", [1, 2, 3])]);
        state.SetCategory("shoes");
        return state;
    }

    private static Comparable Sale(string id) => new()
    {
        SaleId = id, ProductId = "p-" + id, SoldAt = Now.AddDays(-3), SoldPrice = 100m, AdjustedPrice = 100m,
        Similarity = 0.9, RecencyWeight = 1, Weight = 0.5,
    };

    private static PricingSuggestion Suggestion(params string[] saleIds) => Suggestion(VerdictLevel.Strong, saleIds);

    private static PricingSuggestion Suggestion(VerdictLevel verdict, params string[] saleIds) => new()
    {
        Price = 120m,
        Currency = "EUR",
        Range = new PriceRange(100m, 140m),
        Confidence = 0.7,
        ConfidenceComponents = new ConfidenceComponents(1, 1, 1, 1, null),
        Verdict = new Verdict(verdict, $"{verdict} match"),
        Comparables = [.. saleIds.Select(Sale)],
        Adjustments = new Adjustments { BasePrice = 120m, Seasonal = 1, Condition = 1, Quality = 1, TargetSeason = "spring", TargetCondition = "very_good", Estimator = "weighted_median" },
        Explanation = [],
        Timings = new PhaseTimings(0, 0, 0, 0, 0, 0),
        EmbeddingModel = "test",
        PricingDate = Now,
    };

    private static (PriceWorkbenchState State, PricedItem Item) Priced(params string[] saleIds) => Priced(Suggestion(saleIds));

    private static (PriceWorkbenchState State, PricedItem Item) Priced(PricingSuggestion suggestion)
    {
        var state = Filled();
        var item = state.StartSuggestion(Now)!;
        state.BeginPricing();
        state.Apply(item, new PriceItemOutcome.Priced(suggestion));
        return (state, item);
    }

    private static Portal.Core.Pricing.Decisions.PricingDecision Decision(string id) => new()
    {
        DecisionId = id, Tenant = Tenant, UserName = "analyst", DecidedAt = Now, Category = "shoes", Condition = "very_good",
        ImageKeys = [], SuggestedPrice = 120m, RangeLow = 100m, RangeHigh = 140m, Confidence = 0.7, FinalPrice = 110m, Currency = "EUR",
        ExcludedSaleIds = [], EmbeddingModel = "test",
    };

    [Fact]
    public void SuggestingNeedsPhotosCategoryAndCondition()
    {
        var state = new PriceWorkbenchState();
        Assert.False(state.CanSuggest);
        Assert.Null(state.StartSuggestion(Now));

        var filled = Filled();
        Assert.True(filled.CanSuggest);
        var item = filled.StartSuggestion(Now)!;
        Assert.Equal(("shoes", "very_good", "Acme", (string?)null, Now), (item.Category, item.Condition, item.Brand, item.Title, item.PricingDate));
    }

    [Fact]
    public void APricedOutcomeShowsTheSuggestionAndRemembersItsInputs()
    {
        var (state, item) = Priced("a", "b");

        Assert.False(state.Busy);
        Assert.Same(item, state.Priced);
        Assert.Equal(["a", "b"], state.Rows.Select(r => r.SaleId));
        Assert.Empty(state.FieldErrors);
    }

    [Fact]
    public void InvalidFieldsGoBesideTheirFieldsAndChangingTheFieldClearsItsError()
    {
        var state = Filled();
        var item = state.StartSuggestion(Now)!;
        state.BeginPricing();
        state.Apply(item, new PriceItemOutcome.Invalid(new Dictionary<string, string[]> { ["category"] = ["Unknown."], ["brand"] = ["At most 100 characters."] }, "One or more fields are invalid."));

        Assert.Null(state.Suggestion);
        Assert.Equal("Unknown.", state.FieldError("category"));
        state.SetCategory("bags");
        Assert.Null(state.FieldError("category"));
        Assert.Equal("At most 100 characters.", state.FieldError("brand"));
    }

    [Theory]
    [InlineData("too-large")]
    [InlineData("not-an-image")]
    [InlineData("busy")]
    public void RefusedPhotosAndABusyPortalAreSaidWhereThePhotosArePicked(string kind)
    {
        var (state, _) = Priced("a");
        PriceItemOutcome outcome = kind switch
        {
            "too-large" => new PriceItemOutcome.TooLarge("Image 1: too many pixels."),
            "not-an-image" => new PriceItemOutcome.NotAnImage("Image 1: not an image."),
            _ => new PriceItemOutcome.Busy("The portal is busy.", TimeSpan.FromSeconds(2)),
        };

        state.BeginPricing();
        state.Apply(state.Priced!, outcome);

        Assert.Null(state.Suggestion);
        Assert.Null(state.Priced);
        Assert.Equal(["images"], state.FieldErrors.Keys);
        Assert.NotNull(state.FieldError("images"));
    }

    [Fact]
    public void CannotPriceAndAFailureReplaceTheSuggestion()
    {
        var (state, item) = Priced("a");
        state.BeginPricing();
        state.Apply(item, new PriceItemOutcome.CannotPrice("Too few similar sales."));
        Assert.Equal(("Too few similar sales.", (PricingSuggestion?)null), (state.CannotPrice, state.Suggestion));

        state.BeginPricing();
        Assert.Null(state.CannotPrice);
        state.PricingFailed("boom");
        Assert.Equal("Pricing failed: boom", state.Error);
        Assert.False(state.Busy);
    }

    [Fact]
    public void AnExcludedComparableStaysAsAZeroWeightRowGoesIntoTheNextRequestAndComesBack()
    {
        var (state, item) = Priced("a", "b");

        Assert.Same(item, state.ToggleExcluded("a"));
        Assert.Equal(["a"], state.RequestFor(Tenant, item).ExcludedSaleIds);
        state.BeginPricing();
        state.Apply(item, new PriceItemOutcome.Priced(Suggestion("b", "c")));
        Assert.Equal([("b", false), ("c", false), ("a", true)], state.Rows.Select(r => (r.SaleId, r.Excluded)));
        Assert.Equal(0, state.Rows.Single(r => r.Excluded).Weight);

        state.ToggleExcluded("a");
        Assert.Empty(state.RequestFor(Tenant, item).ExcludedSaleIds);

        state.ToggleExcluded("b");
        state.StartSuggestion(Now);
        Assert.Empty(state.Excluded);
    }

    [Fact]
    public void NothingIsExcludedWhileBusyOrBeforeASuggestion()
    {
        Assert.Null(Filled().ToggleExcluded("a"));

        var (state, _) = Priced("a");
        state.BeginPricing();
        Assert.Null(state.ToggleExcluded("a"));
    }

    [Fact]
    public void AnOverrideStartsAtTheSuggestedPriceNeedsAReasonAndIsRoundedToCents()
    {
        var (state, _) = Priced("a");
        var limits = new PriceLimits();

        state.StartOverride();
        Assert.True(state.Override.IsOpen);
        Assert.Equal(120m, state.Override.Price);
        Assert.Null(state.Override.Validate(limits, "EUR"));
        Assert.Equal("Say why you override the suggestion.", state.Override.ReasonError);

        state.Override.Price = null;
        state.Override.Reason = "Scuffed";
        Assert.Null(state.Override.Validate(limits, "EUR"));
        Assert.Equal("Enter the price you set.", state.Override.PriceError);

        state.Override.Price = 77.555m;
        Assert.Equal(77.56m, state.Override.Validate(limits, "EUR"));
        Assert.Null(state.Override.PriceError);

        state.Override.Price = 20_000_000m;
        Assert.Null(state.Override.Validate(limits, "EUR"));
        Assert.Contains("above the limit", state.Override.PriceError, StringComparison.Ordinal);
    }

    [Fact]
    public void ASavedDecisionClosesTheOverrideAndEndsTheItemUntilTheNextOne()
    {
        var (state, _) = Priced("a");
        state.StartOverride();
        state.Override.Reason = "Scuffed";
        Assert.True(state.BeginSaving());
        Assert.True(state.Saving);
        Assert.False(state.BeginSaving());

        state.DecisionSaved(Decision("d1") with { OverrideReason = "Scuffed" });

        Assert.False(state.Saving);
        Assert.False(state.Override.IsOpen);
        Assert.Null(state.Override.Reason);
        Assert.Equal("d1", state.Saved!.DecisionId);
        // Done: no second decision, no re-pricing, no exclusions for this item.
        Assert.False(state.CanDecide);
        Assert.False(state.BeginSaving());
        Assert.False(state.RequestAccept());
        Assert.False(state.CanSuggest);
        Assert.Null(state.ToggleExcluded("a"));

        state.NextItem();
        Assert.Null(state.Saved);
    }

    [Fact]
    public void NextItemClearsPhotosFieldsResultAndOverrideUnderANewItemId()
    {
        var (state, item) = Priced("a");
        state.ToggleExcluded("a");
        state.StartOverride();
        state.Override.Price = 99m;

        state.NextItem();

        Assert.NotEqual(item.ItemId, state.ItemId);
        Assert.Empty(state.Photos);
        Assert.Null(state.Category);
        Assert.Null(state.Condition);
        Assert.Null(state.Brand);
        Assert.Null(state.Title);
        Assert.Null(state.Suggestion);
        Assert.Null(state.Priced);
        Assert.Empty(state.Excluded);
        Assert.Empty(state.Rows);
        Assert.False(state.Override.IsOpen);
        Assert.Null(state.Override.Price);
        Assert.False(state.HasResult);
    }

    [Fact]
    public void ANewPhotoAfterAResultStartsTheNextItemWithOnlyThatPhoto()
    {
        var (state, item) = Priced("a");
        var next = new PhotoItem("next.jpg", "image/jpeg", [4, 5, 6]);

        state.SetPhotos([.. state.Photos, next]);

        Assert.NotEqual(item.ItemId, state.ItemId);
        Assert.Equal([next], state.Photos);
        Assert.Null(state.Suggestion);
        Assert.Null(state.Category);
    }

    [Fact]
    public void APhotoAddedBeforeAnyResultJoinsTheSameItem()
    {
        var state = Filled();
        var itemId = state.ItemId;

        state.SetPhotos([.. state.Photos, new PhotoItem("back.jpg", "image/jpeg", [7])]);

        Assert.Equal(itemId, state.ItemId);
        Assert.Equal(2, state.Photos.Count);
        Assert.Equal("shoes", state.Category);
    }

    [Theory]
    [InlineData(VerdictLevel.Weak)]
    [InlineData(VerdictLevel.None)]
    public void AWeakOrFallbackVerdictAsksOnceBeforeAccepting(VerdictLevel level)
    {
        var (state, _) = Priced(Suggestion(level, "a"));

        Assert.True(state.AcceptNeedsConfirmation);
        Assert.False(state.RequestAccept());
        Assert.True(state.ConfirmingAccept);
        Assert.True(state.RequestAccept());

        state.CancelAccept();
        Assert.False(state.ConfirmingAccept);
    }

    [Fact]
    public void AStrongVerdictAcceptsInOneStep()
    {
        var (state, _) = Priced("a");

        Assert.False(state.AcceptNeedsConfirmation);
        Assert.True(state.RequestAccept());
        Assert.False(state.ConfirmingAccept);
    }

    [Fact]
    public void AFallbacksLookAlikesAreRowsMarkedNotUsedWithoutWeight()
    {
        var (state, _) = Priced(Suggestion(VerdictLevel.None) with { LookAlikesNotUsed = [Sale("n1") with { Weight = 0 }, Sale("n2") with { Weight = 0 }] });

        Assert.Equal(["n1", "n2"], state.Rows.Select(r => r.SaleId));
        Assert.All(state.Rows, r => Assert.True(r.NotUsed));
        Assert.All(state.Rows, r => Assert.Equal(0, r.Weight));
        // Not part of the price, so nothing to leave out of it.
        state.ToggleExcluded("n1");
        Assert.Empty(state.Excluded);
    }

    [Fact]
    public void AFailedSaveKeepsTheSuggestionAndSaysWhy()
    {
        var (state, _) = Priced("a");
        state.BeginSaving();
        state.SaveFailed("disk full");

        Assert.False(state.Saving);
        Assert.NotNull(state.Suggestion);
        Assert.Equal("The decision could not be saved: disk full", state.Error);
    }
}
