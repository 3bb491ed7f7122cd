using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.Price;
using PricePage = Portal.Web.Components.Pages.Price.Price;

namespace Portal.Web.Tests.Components.Price;

public sealed class PricePageTests : PriceWorkbenchContext
{
    private static readonly byte[] Photo = TestImages.Jpeg();

    private IRenderedComponent<MudDialogProvider>? _dialogs;

    private IRenderedComponent<PricePage> RenderPage()
    {
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        return Render<PricePage>();
    }

    private static void Upload(IRenderedComponent<PricePage> cut, params InputFileContent[] files) =>
        cut.FindComponent<InputFile>().UploadFiles(files);

    private static InputFileContent Jpeg(string name = "photo.jpg", byte[]? bytes = null) =>
        InputFileContent.CreateFromBinary(bytes ?? Photo, name, contentType: "image/jpeg");

    private static async Task ChooseAsync(IRenderedComponent<PricePage> cut, string category, string condition = "very_good")
    {
        var selects = cut.FindComponents<MudSelect<string>>();
        await cut.InvokeAsync(() => selects[0].Instance.ValueChanged.InvokeAsync(category));
        await cut.InvokeAsync(() => selects[1].Instance.ValueChanged.InvokeAsync(condition));
    }

    private static IElement TestId(IRenderedComponent<PricePage> cut, string id) => cut.Find($"[data-testid='{id}']");

    private async Task<IRenderedComponent<PricePage>> SuggestAsync(string category = "shoes", InputFileContent? photo = null)
    {
        var cut = RenderPage();
        Upload(cut, photo ?? Jpeg());
        await ChooseAsync(cut, category);
        TestId(cut, "suggest").Click();
        return cut;
    }

    /// <summary>What the page should show: the same request straight to the pricing service.</summary>
    private async Task<PricingSuggestion> ExpectedAsync(params string[] excluded)
    {
        var outcome = await Services.GetRequiredService<PricingService>().PriceAsync(new PriceItemRequest
        {
            Tenant = Tenant,
            Images = [Photo],
            Category = "shoes",
            Condition = "very_good",
            PricingDate = Now,
            ExcludedSaleIds = excluded,
        }, CancellationToken.None);
        return Assert.IsType<PriceItemOutcome.Priced>(outcome).Suggestion;
    }

    [Fact]
    public void StartsEmptyWithSuggestDisabled()
    {
        var cut = RenderPage();

        Assert.NotNull(TestId(cut, "empty-result"));
        Assert.True(TestId(cut, "suggest").HasAttribute("disabled"));
    }

    [Fact]
    public void RefusesMoreThanFivePhotosWithAMessage()
    {
        var cut = RenderPage();

        Upload(cut, Enumerable.Range(0, 6).Select(i => Jpeg($"p{i}.jpg")).ToArray());

        Assert.Equal(5, cut.FindAll("[data-testid='photo-preview']").Count);
        Assert.Contains("At most 5 photos", TestId(cut, "photo-errors").TextContent);
        Assert.Contains("p5.jpg", TestId(cut, "photo-errors").TextContent);
    }

    [Fact]
    public void RefusesAFileThatIsNotAnImageType()
    {
        var cut = RenderPage();

        Upload(cut, InputFileContent.CreateFromText("hello", "notes.txt", contentType: "text/plain"));

        Assert.Empty(cut.FindAll("[data-testid='photo-preview']"));
        Assert.Contains("'notes.txt' is not a JPEG, PNG, WebP or GIF photo", TestId(cut, "photo-errors").TextContent);
    }

    [Fact]
    public void RefusesAPhotoOverTenMegabytes()
    {
        var cut = RenderPage();

        Upload(cut, Jpeg("huge.jpg", new byte[10 * 1024 * 1024 + 1]));

        Assert.Empty(cut.FindAll("[data-testid='photo-preview']"));
        Assert.Contains("the limit is 10 MB per photo", TestId(cut, "photo-errors").TextContent);
    }

    [Fact]
    public void RemovesAPhoto()
    {
        var cut = RenderPage();
        Upload(cut, Jpeg("a.jpg"), Jpeg("b.jpg"));

        TestId(cut, "remove-photo-0").Click();

        var preview = Assert.Single(cut.FindAll("[data-testid='photo-preview']"));
        Assert.Equal("b.jpg", preview.GetAttribute("alt"));
    }

    [Fact]
    public async Task ShowsTheServersVerdictOnAPhotoInline()
    {
        var cut = await SuggestAsync(photo: Jpeg("fake.jpg", "not really a jpeg, only text"u8.ToArray()));

        cut.WaitForAssertion(() => Assert.Contains("Image 1", TestId(cut, "photo-server-error").TextContent));
        Assert.Empty(cut.FindAll("[data-testid='result']"));
    }

    [Fact]
    public async Task RendersThePriceRangeAndConfidenceOfTheSuggestion()
    {
        var expected = await ExpectedAsync();

        var cut = await SuggestAsync();

        cut.WaitForAssertion(() => Assert.Equal(PriceFormat.Money(expected.Price, "EUR"), TestId(cut, "suggested-price").TextContent.Trim()));
        Assert.Equal(PriceFormat.Money(expected.Range.Low, "EUR"), TestId(cut, "range-low").TextContent.Trim());
        Assert.Equal(PriceFormat.Money(expected.Range.High, "EUR"), TestId(cut, "range-high").TextContent.Trim());
        Assert.NotNull(TestId(cut, "price-marker"));
        var components = expected.ConfidenceComponents;
        foreach (var (key, value) in new[] { ("similarity", components.Similarity), ("count", components.Count), ("dispersion", components.Dispersion), ("recency", components.Recency) })
        {
            Assert.Equal(value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), TestId(cut, $"confidence-{key}-value").TextContent.Trim());
        }

        Assert.Equal($"{expected.Confidence * 100:0} %", TestId(cut, "confidence-value").TextContent.Trim());
        Assert.All(expected.Explanation, line => Assert.Contains(line, TestId(cut, "explanation").TextContent));
    }

    [Fact]
    public async Task TheComparablesGridShowsEachComparablesValuesAndWeights()
    {
        var expected = await ExpectedAsync();

        var cut = await SuggestAsync();

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "comparables")));
        Assert.Equal(6, expected.Comparables.Count);
        foreach (var c in expected.Comparables)
        {
            Assert.Equal(PriceFormat.Amount(c.SoldPrice), TestId(cut, $"sold-{c.SaleId}").TextContent.Trim());
            Assert.Equal(PriceFormat.Amount(c.AdjustedPrice), TestId(cut, $"adjusted-{c.SaleId}").TextContent.Trim());
            Assert.Equal(PriceFormat.Ratio(c.Similarity), TestId(cut, $"similarity-{c.SaleId}").TextContent.Trim());
            Assert.Equal(PriceFormat.Ratio(c.RecencyWeight), TestId(cut, $"recency-{c.SaleId}").TextContent.Trim());
            var weight = TestId(cut, $"weight-{c.SaleId}");
            Assert.Equal(c.Weight, double.Parse(weight.GetAttribute("data-weight")!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(PriceFormat.Percent(c.Weight), weight.TextContent);
        }

        Assert.Equal(1.0, expected.Comparables.Sum(c => c.Weight), 6);
    }

    [Fact]
    public async Task TheAdjustmentsTableMatchesTheSuggestion()
    {
        var expected = await ExpectedAsync();

        var cut = await SuggestAsync();

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "adjustments")));
        var a = expected.Adjustments;
        Assert.Equal(PriceFormat.Amount(a.BasePrice), TestId(cut, "adj-base-price").TextContent.Trim());
        Assert.Equal(PriceFormat.Factor(a.Seasonal), TestId(cut, "adj-seasonal-factor").TextContent.Trim());
        Assert.Equal(PriceFormat.Factor(a.Condition), TestId(cut, "adj-condition-factor").TextContent.Trim());
        Assert.Equal(PriceFormat.Factor(a.Quality), TestId(cut, "adj-quality-factor").TextContent.Trim());
        Assert.Equal(PriceFormat.Money(expected.Price, "EUR"), TestId(cut, "adj-final-price").TextContent.Trim());
        Assert.Contains("very_good", TestId(cut, "adj-condition").TextContent);
    }

    [Fact]
    public async Task ExcludingAComparableRecomputesWithoutReEmbeddingOrReAssessing()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "exclude-s0")));
        var (embeds, assessments) = (Embedder.Calls, Quality.Calls);

        TestId(cut, "exclude-s0").Click();

        var expected = await ExpectedAsync("s0");
        cut.WaitForAssertion(() => Assert.Equal("true", TestId(cut, "exclude-s0").GetAttribute("data-excluded")));
        Assert.DoesNotContain(expected.Comparables, c => c.SaleId == "s0");
        Assert.Equal(PriceFormat.Money(expected.Price, "EUR"), TestId(cut, "suggested-price").TextContent.Trim());
        Assert.Contains("excluded", TestId(cut, "weight-s0").TextContent);
        Assert.Equal("0", TestId(cut, "weight-s0").GetAttribute("data-weight"));
        Assert.Equal(embeds, Embedder.Calls);
        Assert.Equal(assessments, Quality.Calls);

        TestId(cut, "exclude-s0").Click();

        cut.WaitForAssertion(() => Assert.Equal("false", TestId(cut, "exclude-s0").GetAttribute("data-excluded")));
        Assert.Equal(PriceFormat.Money((await ExpectedAsync()).Price, "EUR"), TestId(cut, "suggested-price").TextContent.Trim());
    }

    [Fact]
    public async Task AcceptSavesADecisionWithThePhotosAndShowsIt()
    {
        var expected = await ExpectedAsync();
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "accept")));

        TestId(cut, "accept").Click();

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "decision-saved")));
        var decision = Assert.Single(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));
        Assert.Equal(TestId(cut, "decision-saved").GetAttribute("data-decision-id"), decision.DecisionId);
        Assert.Equal("ana@example.com", decision.UserName);
        Assert.Equal(Now, decision.DecidedAt);
        Assert.Equal(expected.Price, decision.SuggestedPrice);
        Assert.Equal(expected.Price, decision.FinalPrice);
        Assert.Equal(expected.Range.Low, decision.RangeLow);
        Assert.Equal(expected.Confidence, decision.Confidence);
        Assert.Null(decision.OverrideReason);
        Assert.Equal("shoes", decision.Category);
        Assert.Equal("very_good", decision.Condition);
        Assert.Empty(decision.ExcludedSaleIds);
        var key = Assert.Single(decision.ImageKeys);
        Assert.StartsWith("acme/", key);
        Assert.Contains("/history", cut.Markup);
    }

    [Fact]
    public async Task OverrideNeedsAReasonThenSavesThePriceAndTheExclusions()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "exclude-s1")));
        TestId(cut, "exclude-s1").Click();
        cut.WaitForAssertion(() => Assert.Equal("true", TestId(cut, "exclude-s1").GetAttribute("data-excluded")));

        TestId(cut, "override").Click();
        await cut.InvokeAsync(() => cut.FindComponent<MudNumericField<decimal?>>().Instance.ValueChanged.InvokeAsync(77.5m));
        TestId(cut, "save-override").Click();

        Assert.Contains("Say why", TestId(cut, "override-form").TextContent);
        Assert.Empty(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));

        var reason = cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason");
        await cut.InvokeAsync(() => reason.Instance.ValueChanged.InvokeAsync("Scuffed heel"));
        TestId(cut, "save-override").Click();

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "decision-saved")));
        var decision = Assert.Single(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));
        Assert.Equal(77.50m, decision.FinalPrice);
        Assert.Equal("Scuffed heel", decision.OverrideReason);
        Assert.Equal(["s1"], decision.ExcludedSaleIds);
    }

    [Fact]
    public async Task AnOverrideAboveTheCurrencysLimitIsRefusedWithTheLimitNamedAndTwoMillionEurosIsSaved()
    {
        var cut = await SuggestAsync();
        TestId(cut, "override").Click();
        var reason = cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason");
        await cut.InvokeAsync(() => reason.Instance.ValueChanged.InvokeAsync("Sold with the house"));

        await cut.InvokeAsync(() => cut.FindComponent<MudNumericField<decimal?>>().Instance.ValueChanged.InvokeAsync(12_000_000m));
        TestId(cut, "save-override").Click();

        cut.WaitForAssertion(() => Assert.Contains("above the limit for EUR, 10,000,000", TestId(cut, "override-form").TextContent));
        Assert.Empty(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));

        await cut.InvokeAsync(() => cut.FindComponent<MudNumericField<decimal?>>().Instance.ValueChanged.InvokeAsync(2_000_000m));
        TestId(cut, "save-override").Click();

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "decision-saved")));
        var decision = Assert.Single(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));
        Assert.Equal(2_000_000m, decision.FinalPrice);
    }

    [Fact]
    public async Task SaysWhenAnItemCannotBePriced()
    {
        var cut = await SuggestAsync(category: "rare");

        cut.WaitForAssertion(() => Assert.Contains("Cannot price", TestId(cut, "cannot-price").TextContent));
        Assert.Empty(cut.FindAll("[data-testid='suggested-price']"));
    }

    [Fact]
    public async Task ShowsAnErrorWhenPricingFails()
    {
        Embedder.Failure = new InvalidOperationException("model offline");

        var cut = await SuggestAsync();

        cut.WaitForAssertion(() => Assert.Contains("model offline", TestId(cut, "price-error").TextContent));
        Assert.Empty(cut.FindAll("[data-testid='suggested-price']"));
        Assert.False(TestId(cut, "suggest").HasAttribute("disabled"));
    }

    /// <summary>Sales in <paramref name="category"/> at cosine <paramref name="similarity"/> from every upload (null: no vector at all).</summary>
    private void AddSales(string category, int count, double? similarity, decimal price = 50m, int offset = 0)
    {
        for (var i = offset; i < offset + count; i++)
        {
            StoredEmbedding? embedding = null;
            if (similarity is { } cosine)
            {
                var vector = new float[FixedEmbedder.Dimension];
                vector[0] = (float)cosine;
                vector[2] = (float)Math.Sqrt(1 - cosine * cosine);
                embedding = new StoredEmbedding(FixedEmbedder.Model, vector);
            }

            Index.Add(new SaleRecord
            {
                Tenant = Tenant, ProductId = $"{category}-p{i}", SaleId = $"{category}-{i}", Category = category, Brand = "acme",
                Condition = ItemCondition.Good, Title = $"{category} item {i}", SoldPrice = price + i, Currency = "EUR",
                SoldAt = Now.AddDays(-5 - i), Source = "test",
            }, embedding);
        }
    }

    [Fact]
    public async Task CloseLookAlikesShowAStrongVerdictAboveThePriceAndAcceptIsTheMainAction()
    {
        var expected = await ExpectedAsync();

        var cut = await SuggestAsync();

        cut.WaitForAssertion(() => Assert.Equal("strong", TestId(cut, "verdict").GetAttribute("data-level")));
        Assert.Equal(VerdictLevel.Strong, expected.Verdict.Level);
        Assert.Equal(expected.Verdict.Sentence, TestId(cut, "verdict").TextContent.Trim());
        Assert.StartsWith("Strong match: 6 close look-alikes sold in the last", expected.Verdict.Sentence);
        Assert.True(cut.Markup.IndexOf("data-testid=\"verdict\"", StringComparison.Ordinal) < cut.Markup.IndexOf("data-testid=\"suggested-price\"", StringComparison.Ordinal));
        Assert.Equal("false", TestId(cut, "accept").GetAttribute("data-demoted"));
        Assert.Contains("mud-button-filled", TestId(cut, "accept").ClassName);
    }

    [Fact]
    public async Task AWeakMatchDemotesAcceptToAConfirmStepAndSavesOnlyOnAcceptAnyway()
    {
        AddSales("tops", 4, similarity: 0.52);

        var cut = await SuggestAsync(category: "tops");

        cut.WaitForAssertion(() => Assert.Equal("weak", TestId(cut, "verdict").GetAttribute("data-level")));
        Assert.Contains("Weak match: the nearest sales only loosely resemble this item — check before accepting", TestId(cut, "verdict").TextContent);
        Assert.Equal("true", TestId(cut, "accept").GetAttribute("data-demoted"));
        Assert.DoesNotContain("mud-button-filled", TestId(cut, "accept").ClassName);
        Assert.Contains("mud-button-filled", TestId(cut, "override").ClassName);

        TestId(cut, "accept").Click();

        Assert.NotNull(TestId(cut, "accept-confirm"));
        Assert.Empty(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));

        TestId(cut, "accept-anyway").Click();

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "decision-saved")));
        var saved = Assert.Single(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));
        // The decision keeps the verdict the analyst accepted it under, for the history.
        Assert.Equal(VerdictLevel.Weak, saved.Verdict?.Level);
        Assert.StartsWith("Weak match: the nearest sales only loosely resemble this item", saved.Verdict!.Sentence);
    }

    [Fact]
    public async Task AFallbackListsTheFewLookAlikesAsNotUsedAndShowsOnlyWhatApplies()
    {
        AddSales("coats", 6, similarity: null, price: 100m);
        AddSales("coats", 2, similarity: 0.97, price: 900m, offset: 6);

        var cut = await SuggestAsync(category: "coats");

        cut.WaitForAssertion(() => Assert.Equal("none", TestId(cut, "verdict").GetAttribute("data-level")));
        Assert.Contains("No look-alikes: priced as a typical coats from 8 sales", TestId(cut, "verdict").TextContent);
        // The two look-alikes found: in the gallery and the grid, marked "not used", without weight or Exclude.
        foreach (var id in new[] { "coats-6", "coats-7" })
        {
            Assert.Equal("not used", TestId(cut, $"look-alike-not-used-{id}").TextContent.Trim());
            Assert.Equal("not used", TestId(cut, $"not-used-{id}").TextContent.Trim());
            Assert.Equal("0", TestId(cut, $"weight-{id}").GetAttribute("data-weight"));
            Assert.Empty(cut.FindAll($"[data-testid='exclude-{id}']"));
        }

        // Components that do not apply are not shown; the base is the median's sales, not comparables.
        Assert.Empty(cut.FindAll("[data-testid='confidence-similarity']"));
        Assert.Empty(cut.FindAll("[data-testid='confidence-count']"));
        Assert.Empty(cut.FindAll("[data-testid='confidence-recency']"));
        Assert.NotNull(TestId(cut, "confidence-dispersion"));
        Assert.Contains("median of 8 sales", TestId(cut, "adj-base").TextContent);
        Assert.DoesNotContain("comparables", TestId(cut, "adj-base").TextContent);
        // Each sentence once, and never "Only 0".
        var reason = TestId(cut, "fallback").TextContent;
        Assert.Contains("Only 2 similar-looking sales (3 needed)", reason);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(cut.Markup, "Only 2 similar-looking sales"));
        Assert.DoesNotContain("Only 0", cut.Markup);
        var lines = cut.FindAll("[data-testid='explanation'] li").Select(li => li.TextContent.Trim()).ToArray();
        Assert.Equal(lines.Length, lines.Distinct().Count());
    }

    [Fact]
    public async Task ASavedDecisionTurnsAcceptAndOverrideOffAndASecondClickSavesNothing()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "accept")));
        var accept = cut.FindComponents<MudButton>().Single(b => b.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string)id! == "accept");

        // Two clicks before the first save has rendered: the second must not save again.
        await cut.InvokeAsync(async () => await Task.WhenAll(accept.Instance.OnClick.InvokeAsync(), accept.Instance.OnClick.InvokeAsync()));

        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "decision-saved")));
        Assert.Single(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));
        Assert.True(TestId(cut, "accept").HasAttribute("disabled"));
        Assert.True(TestId(cut, "override").HasAttribute("disabled"));
        Assert.True(TestId(cut, "exclude-s0").HasAttribute("disabled"));
        Assert.True(TestId(cut, "suggest").HasAttribute("disabled"));
    }

    [Fact]
    public async Task TheRecorderSavesOneDecisionPerItemHoweverOftenAndConcurrentlyItIsCalled()
    {
        var recorder = Services.GetRequiredService<PricingDecisionRecorder>();
        var suggestion = await ExpectedAsync();
        var item = new PricedItem("item-1", [new PhotoItem("a.jpg", "image/jpeg", Photo)], "shoes", "very_good", null, null, Now);

        var first = await recorder.RecordAsync(Tenant, "ana@example.com", item, suggestion, suggestion.Price, null, [], CancellationToken.None);
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            recorder.RecordAsync(Tenant, "ana@example.com", item, suggestion, 10m + i, "Another try", [], CancellationToken.None)));

        var stored = Assert.Single(await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None));
        Assert.Equal("item-1", stored.DecisionId);
        Assert.Equal(suggestion.Price, stored.FinalPrice);
        Assert.All(again, d => Assert.Equal(first.DecisionId, d.DecisionId));
        Assert.All(again, d => Assert.Equal(suggestion.Price, d.FinalPrice));

        var other = await recorder.RecordAsync(Tenant, "ana@example.com", item with { ItemId = "item-2" }, suggestion, suggestion.Price, null, [], CancellationToken.None);
        Assert.Equal("item-2", other.DecisionId);
        Assert.Equal(2, (await DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task NextItemClearsPhotosFieldsAndResultAndTheNextDecisionIsAnotherOne()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "accept")));
        TestId(cut, "accept").Click();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "decision-saved")));

        TestId(cut, "next-item").Click();

        Assert.NotNull(TestId(cut, "empty-result"));
        Assert.Empty(cut.FindAll("[data-testid='photo-preview']"));
        Assert.Empty(cut.FindAll("[data-testid='look-alikes']"));
        Assert.True(TestId(cut, "suggest").HasAttribute("disabled"));
        Assert.All(cut.FindComponents<MudSelect<string>>(), s => Assert.Null(s.Instance.GetState(x => x.Value)));
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "focus" && (string?)i.Arguments[0] == "[data-testid=drop-zone]");

        Upload(cut, Jpeg("next.jpg"));
        await ChooseAsync(cut, "shoes");
        TestId(cut, "suggest").Click();
        cut.WaitForAssertion(() => Assert.False(TestId(cut, "accept").HasAttribute("disabled")));
        TestId(cut, "accept").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, DecisionStore.QueryAsync(new DecisionQuery { Tenant = Tenant }, CancellationToken.None).Result.Count));
    }

    [Fact]
    public async Task ANewPhotoAfterAResultStartsANewItemInsteadOfJoiningThePricedOne()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "suggested-price")));

        Upload(cut, Jpeg("second-item.jpg"));

        var preview = Assert.Single(cut.FindAll("[data-testid='photo-preview']"));
        Assert.Equal("second-item.jpg", preview.GetAttribute("alt"));
        Assert.Empty(cut.FindAll("[data-testid='suggested-price']"));
        Assert.Empty(cut.FindAll("[data-testid='accept']"));
    }

    [Fact]
    public async Task EachComparableHasAKeyboardStopAndAGalleryPhotoThatOpenTheComparisonWhichEscapeCloses()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "compare-s0")));

        Assert.Equal("BUTTON", TestId(cut, "compare-s0").TagName);
        Assert.Contains("Compare", TestId(cut, "compare-s0").GetAttribute("aria-label"));
        Assert.NotNull(TestId(cut, "look-alike-s0"));
        Assert.Contains("Boots 0", TestId(cut, "title-s0").GetAttribute("title"));

        TestId(cut, "look-alike-s0").Click();

        var dialogs = _dialogs!;
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid='compare-upload']")));
        var options = dialogs.FindComponent<MudDialogContainer>().Instance.GetState(x => x.Options);
        Assert.True(options.CloseOnEscapeKey);
    }

    [Fact]
    public async Task ExportsTheSuggestionAndItsComparablesAsCsv()
    {
        var cut = await SuggestAsync();
        cut.WaitForAssertion(() => Assert.NotNull(TestId(cut, "export-csv")));

        TestId(cut, "export-csv").Click();

        cut.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations, i => i.Identifier == "downloadText"));
        var csv = (string)JSInterop.Invocations.Single(i => i.Identifier == "downloadText").Arguments[2]!;
        Assert.Contains("sale_id,product_id,brand", csv);
        Assert.Contains("s0,p0,acme", csv);
    }
}
