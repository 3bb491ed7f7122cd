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

    private static PricingSuggestion Suggestion(params string[] saleIds) => new()
    {
        Price = 120m,
        Currency = "EUR",
        Range = new PriceRange(100m, 140m),
        Confidence = 0.7,
        ConfidenceComponents = new ConfidenceComponents(1, 1, 1, 1, null),
        Comparables = [.. saleIds.Select(Sale)],
        Adjustments = new Adjustments { BasePrice = 120m, Seasonal = 1, Condition = 1, Quality = 1, TargetSeason = "spring", TargetCondition = "very_good", Estimator = "weighted_median" },
        Explanation = [],
        Timings = new PhaseTimings(0, 0, 0, 0, 0, 0),
        EmbeddingModel = "test",
        PricingDate = Now,
    };

    private static (PriceWorkbenchState State, PricedItem Item) Priced(params string[] saleIds)
    {
        var state = Filled();
        var item = state.StartSuggestion(Now)!;
        state.BeginPricing();
        state.Apply(item, new PriceItemOutcome.Priced(Suggestion(saleIds)));
        return (state, item);
    }

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
    public void ASavedDecisionClosesTheOverrideAndANewPricingHidesIt()
    {
        var (state, item) = Priced("a");
        state.StartOverride();
        state.Override.Reason = "Scuffed";
        state.BeginSaving();
        Assert.True(state.Saving);

        state.DecisionSaved(new Portal.Core.Pricing.Decisions.PricingDecision
        {
            DecisionId = "d1", Tenant = Tenant, UserName = "analyst", DecidedAt = Now, Category = "shoes", Condition = "very_good",
            ImageKeys = [], SuggestedPrice = 120m, RangeLow = 100m, RangeHigh = 140m, Confidence = 0.7, FinalPrice = 110m, Currency = "EUR",
            ExcludedSaleIds = [], EmbeddingModel = "test", OverrideReason = "Scuffed",
        });

        Assert.False(state.Saving);
        Assert.False(state.Override.IsOpen);
        Assert.Null(state.Override.Reason);
        Assert.Equal("d1", state.Saved!.DecisionId);

        state.BeginPricing();
        Assert.Null(state.Saved);
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
