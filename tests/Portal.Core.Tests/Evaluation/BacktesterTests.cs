using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Evaluation;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Tests.Evaluation;

public sealed class BacktesterTests
{
    private static readonly TenantId Tenant = new("eval");
    private static readonly DateTimeOffset Start = new(2018, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Weekly auctions of 10 look-alike lots each: the first half sell near 100, the second half near 1,000.</summary>
    private static (InMemorySalesIndex Index, List<BacktestItem> Items) History()
    {
        var index = new InMemorySalesIndex();
        var items = new List<BacktestItem>();
        var random = new Random(4);
        for (var week = 0; week < 20; week++)
        {
            for (var lot = 0; lot < 10; lot++)
            {
                var level = week < 10 ? 100m : 1000m;
                var sale = new SaleRecord
                {
                    Tenant = Tenant,
                    ProductId = $"p{week}-{lot}",
                    SaleId = $"s{week:D2}-{lot}",
                    Category = "oleo",
                    Brand = "Author",
                    Condition = null,
                    SoldPrice = level * (decimal)(0.9 + random.NextDouble() * 0.2),
                    Currency = "EUR",
                    SoldAt = Start.AddDays(7 * week),
                };
                var vector = new float[] { 1, (float)random.NextDouble() * 0.1f, 0, 0 };
                var embedding = new StoredEmbedding("m", vector);
                index.Add(sale, embedding);
                items.Add(new BacktestItem(sale, embedding, Estimate: sale.SoldPrice * 1.1m));
            }
        }

        return (index, items);
    }

    private static Backtester BacktesterFor(InMemorySalesIndex index, PricingOptions options) =>
        new(index, new VisualSimilarityPricingEngine(index, Options.Create(options), new FakeTimeProvider(Start.AddYears(3))), options);

    [Fact]
    public void TimeOrderedPricesOnlyFromEarlierAuctions()
    {
        var (index, items) = History();
        var options = new PricingOptions { MarketLevelWeight = 0, DefaultMinSimilarity = 0.5 };

        var time = BacktesterFor(index, options).Run(Tenant, items, BacktestProtocol.Time, dated: true);
        var loo = BacktesterFor(index, options).Run(Tenant, items, BacktestProtocol.Loo, dated: true);

        // The first auction has no history. Leave-one-out prices the cheap early lots from the dear later ones too (errors of
        // several hundred per cent); time-ordered never lets a lot see a later auction, so only the switch costs it.
        Assert.Equal(10, time.Unpriced);
        Assert.Equal(190, time.N);
        Assert.Equal(200, loo.N);
        Assert.True(time.Metrics.Mape < loo.Metrics.Mape / 2, $"time MAPE {time.Metrics.Mape} vs loo {loo.Metrics.Mape}");
        Assert.Equal("time", time.Protocol);
    }

    [Fact]
    public void TheExpertsEstimateIsABaselineWithItsOwnError()
    {
        var (index, items) = History();
        var report = BacktesterFor(index, new PricingOptions()).Run(Tenant, items, BacktestProtocol.Time, dated: true);

        Assert.NotNull(report.Baselines.Expert);
        // Every estimate is 10 % over the hammer price.
        Assert.Equal(0.1, report.Baselines.Expert!.Mdape, 3);
        Assert.Equal(190, report.Baselines.CategoryMedian.N);
    }

    [Fact]
    public void CalibratedRangesComeOnlyFromEarlierErrorsAndHoldAboutTheAskedShare()
    {
        var (index, items) = History();
        var report = BacktesterFor(index, new PricingOptions { CalibratedCoverage = 0.8 }).Run(Tenant, items, BacktestProtocol.Loo, dated: true);

        Assert.InRange(report.Metrics.Coverage, 0.7, 0.9);
        Assert.True(report.Metrics.MeanRangeWidth > 0);
    }

    [Fact]
    public void PredictionsOutWritesOnePricedItemPerRowWithItsRangeAndConfidence()
    {
        var (index, items) = History();
        using var predictions = new StringWriter();
        var options = new PricingOptions();

        var report = new Backtester(index, new VisualSimilarityPricingEngine(index, Options.Create(options), new FakeTimeProvider(Start.AddYears(3))), options)
        {
            PredictionsOut = predictions,
        }.Run(Tenant, items, BacktestProtocol.Time, dated: true);

        var lines = predictions.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        Assert.Equal(report.N + 1, lines.Length);
        var last = lines[^1].Split(',');
        Assert.Equal(header.Length, last.Length);
        var actual = double.Parse(last[Array.IndexOf(header, "actual")], System.Globalization.CultureInfo.InvariantCulture);
        var estimate = double.Parse(last[Array.IndexOf(header, "estimate")], System.Globalization.CultureInfo.InvariantCulture);
        var low = double.Parse(last[Array.IndexOf(header, "low")], System.Globalization.CultureInfo.InvariantCulture);
        var high = double.Parse(last[Array.IndexOf(header, "high")], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(actual * 1.1, estimate, 1);
        Assert.True(low < high);
        // Each row is the item priced as of its own date: the last auction's lots come last.
        Assert.Equal(Start.AddDays(7 * 19).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), last[Array.IndexOf(header, "sold_at")]);
    }

    [Fact]
    public void CalibrateFitsTheTenantsRangesFromItsTimeOrderedErrors()
    {
        var (index, items) = History();
        var calibration = BacktesterFor(index, new PricingOptions()).Calibrate(Tenant, items);

        Assert.NotNull(calibration);
        Assert.Equal(190, calibration!.Residuals);
        Assert.All(calibration.Bands, b => Assert.True(b.LowLogError <= b.HighLogError));
    }
}
