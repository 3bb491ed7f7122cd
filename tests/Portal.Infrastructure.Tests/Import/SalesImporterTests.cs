using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Core.Imports;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Infrastructure.Hosting;
using SkiaSharp;

namespace Portal.Infrastructure.Tests.Import;

public sealed class SalesImporterTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-import-tests-");
    private readonly IHost _host;

    public SalesImporterTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Portal:DataDirectory"] = Path.Combine(_root.FullName, "data");
        // A per-currency limit set by configuration, for the limit tests; the other currencies keep the defaults.
        builder.Configuration["Pricing:PriceLimits:MaximumByCurrency:SEK"] = "1000";
        builder.Logging.ClearProviders();
        builder.AddPortal();
        _host = builder.Build();
        Directory.CreateDirectory(Path.Combine(_root.FullName, "photos"));
    }

    public void Dispose()
    {
        _host.Dispose();
        _root.Delete(recursive: true);
    }

    private string Photo(string name, SKColor color)
    {
        using var bitmap = new SKBitmap(128, 128);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = color };
            canvas.DrawCircle(64, 64, 40, paint);
        }

        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        var path = Path.Combine(_root.FullName, "photos", name);
        File.WriteAllBytes(path, data.ToArray());
        return "photos/" + name;
    }

    private string Manifest(params string[] rows)
    {
        var path = Path.Combine(_root.FullName, "manifest.csv");
        File.WriteAllLines(path, ["image,category,brand,condition,price,currency,date,title,extra", .. rows]);
        return path;
    }

    private Task<ImportReport> ImportAsync(string manifest, bool ignoreRetention = false) =>
        _host.Services.GetRequiredService<SalesImporter>().ImportAsync(
            new ImportRequest { ManifestPath = manifest, Tenant = "shop-1", IgnoreRetention = ignoreRetention }, null, CancellationToken.None);

    /// <summary>Two recent rows (lines 2 and 5), two sold before the two-year retention (lines 3 and 4) and a bad one (line 6).</summary>
    private string ManifestAcrossTheRetention()
    {
        var photo = Photo("old.jpg", SKColors.Teal);
        var recent = DateTime.UtcNow.AddDays(-100).ToString("yyyy-MM-dd");
        var old = DateTime.UtcNow.AddDays(-800).ToString("yyyy-MM-dd");
        var older = DateTime.UtcNow.AddDays(-1500).ToString("yyyy-MM-dd");
        return Manifest(
            $"{photo},houses,,,250000,EUR,{recent},Recent,",
            $"{photo},houses,,,240000,EUR,{old},Old,",
            $"{photo},houses,,,230000,EUR,{older},Older,",
            $"{photo},houses,,,260000,EUR,{recent},Recent too,",
            $"{photo},houses,,,abc,EUR,{old},Bad price,");
    }

    [Fact]
    public async Task ReportsEachBadRowWithItsLineAndKeepsTheGoodOnes()
    {
        var red = Photo("red.jpg", SKColors.Red);
        var blue = Photo("blue.jpg", SKColors.Blue);
        File.WriteAllText(Path.Combine(_root.FullName, "photos", "notes.jpg"), "not an image at all");
        var future = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd");
        var manifest = Manifest(
            $"{red},shoes,Acme,very_good,49.90,EUR,2025-01-10,Red shoe,ignored",          // 2: good
            $"{blue},shoes,Acme,good,-5,EUR,2025-01-10,Negative,",                         // 3: negative price
            "photos/missing.jpg,shoes,Acme,good,20,EUR,2025-01-10,Missing,",              // 4: missing image
            $"{blue},shoes,Acme,good,20,EUR,{future},Future,",                             // 5: future date
            $"{red},shoes,Acme,very_good,49.90,EUR,2025-01-10,Red shoe,ignored",          // 6: duplicate of line 2
            "../../etc/passwd,shoes,Acme,good,20,EUR,2025-01-10,Escape,",                 // 7: path outside the folder
            "photos/notes.jpg,shoes,Acme,good,20,EUR,2025-01-10,Text file,",              // 8: not an image
            $"{blue},shoes,Acme,mint,20,EUR,2025-01-10,Bad condition,",                    // 9: unknown condition
            $"{blue},shoes,Acme,good,abc,EUR,2025-01-10,Bad price,",                       // 10: not a number
            $"{blue},shoes,Acme,good,99999999,EUR,2025-01-10,Absurd price,",               // 11: absurd price
            $"{blue},,Acme,good,20,EUR,2025-01-10,No category,",                           // 12: missing category
            $"{blue},bags,,,120,,2025-02-01,Blue bag,");                                    // 13: good, optional fields empty

        var report = await ImportAsync(manifest);

        Assert.Equal(12, report.Rows);
        Assert.Equal(2, report.Imported);
        var reasons = report.Rejected.ToDictionary(r => r.Line, r => r.Reason);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 12], reasons.Keys.Order());
        Assert.Contains("below the minimum price", reasons[3]);
        Assert.Contains("does not exist", reasons[4]);
        Assert.Contains("future", reasons[5]);
        Assert.Contains("Duplicate of line 2", reasons[6]);
        Assert.Contains("inside the images folder", reasons[7]);
        Assert.Contains("image", reasons[8], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("condition", reasons[9]);
        Assert.Contains("not a number", reasons[10]);
        Assert.Contains("above the limit for EUR", reasons[11]);
        Assert.Contains("category", reasons[12]);

        var store = _host.Services.GetRequiredService<ISalesStore>();
        var tenant = new TenantId("shop-1");
        var sales = await store.QuerySalesAsync(new SalesQuery { Tenant = tenant }, CancellationToken.None);
        Assert.Equal(2, sales.Count);
        var bag = Assert.Single(sales, s => s.Category == "bags");
        Assert.Null(bag.Condition);
        Assert.Equal("EUR", bag.Currency);
        Assert.Equal(120m, bag.SoldPrice);
        Assert.NotNull(bag.ImageKey);
        Assert.Equal(2, _host.Services.GetRequiredService<ISalesIndex>().Count(tenant));
    }

    [Fact]
    public async Task ReRunningTheSameManifestAddsNothing()
    {
        var manifest = Manifest($"{Photo("a.jpg", SKColors.Green)},shoes,Acme,good,30,EUR,2025-03-01,A,");

        var first = await ImportAsync(manifest);
        var second = await ImportAsync(manifest);

        Assert.Equal(1, first.Imported);
        Assert.Equal(0, second.Imported);
        Assert.Equal(1, second.AlreadyPresent);
        Assert.Equal(1, await _host.Services.GetRequiredService<ISalesStore>().CountSalesAsync(new TenantId("shop-1"), CancellationToken.None));
        var lakeFiles = Directory.GetFiles(Path.Combine(_root.FullName, "data", "lake"), "*.parquet", SearchOption.AllDirectories);
        Assert.Single(lakeFiles);
    }

    [Fact]
    public async Task StoresEmbeddingsOfTheLocalModel()
    {
        var manifest = Manifest($"{Photo("b.jpg", SKColors.Orange)},hats,,,15,USD,2025-03-01,B,");

        await ImportAsync(manifest);

        var store = _host.Services.GetRequiredService<ISalesStore>();
        await foreach (var (sale, embedding) in store.StreamSalesAsync(new TenantId("shop-1"), CancellationToken.None))
        {
            Assert.Equal("USD", sale.Currency);
            Assert.NotNull(embedding);
            Assert.Equal("resnet18-onnx-v2", embedding.ModelId);
            Assert.Equal(512, embedding.Dimension);
        }
    }

    [Fact]
    public async Task ImportsARowWithSeveralPhotosKeepingEachPhotosEmbedding()
    {
        var first = Photo("m1.jpg", SKColors.Red);
        var second = Photo("m2.jpg", SKColors.Blue);
        var third = Photo("m3.jpg", SKColors.Green);
        var path = Path.Combine(_root.FullName, "multi.csv");
        File.WriteAllLines(path,
        [
            "images,category,price,date",
            $"{first}|{second} | {third},shoes,40,2025-03-01",
            $"{first}|../outside.jpg,shoes,41,2025-03-02",
            $"{first}|photos/none.jpg,shoes,42,2025-03-03",
        ]);

        var report = await ImportAsync(path);

        Assert.Equal(1, report.Imported);
        Assert.Equal([3, 4], report.Rejected.Select(r => r.Line));
        Assert.Contains("inside the images folder", report.Rejected[0].Reason);
        Assert.Contains("does not exist", report.Rejected[1].Reason);
        var store = _host.Services.GetRequiredService<ISalesStore>();
        var sale = Assert.Single(await ToListAsync(store.StreamSalesWithPhotosAsync(new TenantId("shop-1"), CancellationToken.None)));
        Assert.NotNull(sale.Sale.ImageKey);
        Assert.NotNull(sale.Embedding);
        Assert.Equal(2, sale.MorePhotos.Count);
        Assert.All(sale.MorePhotos, p => Assert.Equal((Portal.Infrastructure.Embedded.Imaging.OnnxImageEmbedder.ModelIdValue, 512), (p.ModelId, p.Dimension)));
        Assert.NotEqual(sale.Embedding.Vector, sale.MorePhotos[0].Vector);

        // The index finds the sale through its third photo, and returns it once.
        var index = _host.Services.GetRequiredService<ISalesIndex>();
        var hits = index.Search(new TenantId("shop-1"), "shoes", Portal.Infrastructure.Embedded.Imaging.OnnxImageEmbedder.ModelIdValue, VectorMath.Normalize(sale.MorePhotos[1].Vector), SearchFilter.None, 10, -1f);
        var hit = Assert.Single(hits);
        Assert.Equal(1f, hit.Similarity, 4);

        // Re-running adds nothing.
        Assert.Equal(1, (await ImportAsync(path)).AlreadyPresent);
    }

    [Fact]
    public async Task ARowWithOnePhotoKeepsItsSaleIdWhetherNamedInImageOrImages()
    {
        var photo = Photo("one.jpg", SKColors.Purple);
        var viaImage = Manifest($"{photo},hats,,,15,EUR,2025-03-01,One,");
        var first = await ImportAsync(viaImage);
        var path = Path.Combine(_root.FullName, "images-column.csv");
        File.WriteAllLines(path, ["image,images,category,brand,condition,price,currency,date,title", $",{photo},hats,,,15,EUR,2025-03-01,One"]);

        var second = await ImportAsync(path);

        Assert.Equal(1, first.Imported);
        Assert.Equal((0, 1), (second.Imported, second.AlreadyPresent));
    }

    [Fact]
    public async Task RefusesARowWithMoreThanFivePhotos()
    {
        var photos = Enumerable.Range(0, 6).Select(i => Photo($"six{i}.jpg", SKColors.Gray)).ToArray();
        var path = Path.Combine(_root.FullName, "six.csv");
        File.WriteAllLines(path, ["images,category,price", $"{string.Join('|', photos)},shoes,40"]);

        var report = await ImportAsync(path);

        Assert.Equal(0, report.Imported);
        Assert.Contains("at most 5", Assert.Single(report.Rejected).Reason);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public async Task RefusesAManifestWithoutTheRequiredColumns()
    {
        var path = Path.Combine(_root.FullName, "bad.csv");
        File.WriteAllLines(path, ["picture,price", "a.jpg,10"]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(path));

        Assert.Contains("image", error.Message);
        Assert.Contains("category", error.Message);
    }

    [Fact]
    public async Task RefusesAnInvalidTenant()
    {
        var manifest = Manifest($"{Photo("c.jpg", SKColors.Black)},shoes,,,10,EUR,,C,");

        await Assert.ThrowsAsync<ArgumentException>(() =>
            _host.Services.GetRequiredService<SalesImporter>().ImportAsync(new ImportRequest { ManifestPath = manifest, Tenant = "../etc" }, null, CancellationToken.None));
    }

    [Fact]
    public async Task RowsWithoutADateAreReportedAsUndated()
    {
        var manifest = Manifest($"{Photo("d.jpg", SKColors.Gray)},shoes,,,10,EUR,,D,");

        var report = await ImportAsync(manifest);

        Assert.False(report.Dated);
        Assert.Equal(1, report.Imported);
    }

    [Fact]
    public async Task HoldsEachPriceToItsCurrencysConfiguredLimit()
    {
        var photo = Photo("house.jpg", SKColors.Brown);
        var manifest = Manifest(
            $"{photo},houses,,,2000000,EUR,2025-06-01,Two million euros,",       // 2: under the default maximum
            $"{photo},houses,,,12000000,EUR,2025-06-01,Twelve million euros,",   // 3: over the default maximum
            $"{photo},houses,,,150000000,JPY,2025-06-01,A house in yen,",       // 4: under JPY's own maximum
            $"{photo},houses,,,2000,SEK,2025-06-01,Over the configured SEK,",   // 5: over the configured SEK maximum
            $"{photo},houses,,,0.001,EUR,2025-06-01,Under the minimum,");       // 6: under the minimum

        var report = await ImportAsync(manifest);

        Assert.Equal(2, report.Imported);
        var reasons = report.Rejected.ToDictionary(r => r.Line, r => r.Reason);
        Assert.Equal([3, 5, 6], reasons.Keys.Order());
        Assert.Equal("Price 12,000,000 EUR is above the limit for EUR, 10,000,000 (Pricing:PriceLimits:DefaultMaximum).", reasons[3]);
        Assert.Equal("Price 2,000 SEK is above the limit for SEK, 1,000 (Pricing:PriceLimits:MaximumByCurrency:SEK).", reasons[5]);
        Assert.Contains("below the minimum price 0.01", reasons[6]);
        var sales = await _host.Services.GetRequiredService<ISalesStore>().QuerySalesAsync(new SalesQuery { Tenant = new TenantId("shop-1") }, CancellationToken.None);
        Assert.Equal([2_000_000m, 150_000_000m], sales.Select(s => s.SoldPrice).Order());
    }

    [Fact]
    public async Task SkipsRowsAlreadyPastTheRetentionAndNamesThem()
    {
        var report = await ImportAsync(ManifestAcrossTheRetention());

        Assert.Equal(5, report.Rows);
        Assert.Equal(2, report.Imported);
        Assert.Equal(6, Assert.Single(report.Rejected).Line);
        Assert.Equal(2, report.PastRetention.Count);
        Assert.Equal([3, 4], report.PastRetention.Lines);
        Assert.False(report.PastRetention.Imported);
        Assert.Equal(TimeSpan.FromDays(730), report.PastRetention.Retention);
        Assert.Equal(
            $"2 row(s) sold before {DateTime.UtcNow.AddDays(-730):yyyy-MM-dd} are past the 730-day retention and were skipped, because the store's reads would leave them out: line(s) 3, 4.",
            report.PastRetention.Describe());
        Assert.Equal(2, await _host.Services.GetRequiredService<ISalesStore>().CountSalesAsync(new TenantId("shop-1"), CancellationToken.None));
    }

    [Fact]
    public async Task ImportsRowsPastTheRetentionWhenAskedAndStillNamesThem()
    {
        var report = await ImportAsync(ManifestAcrossTheRetention(), ignoreRetention: true);

        Assert.Equal(4, report.Imported);
        Assert.Equal(6, Assert.Single(report.Rejected).Line);
        Assert.Equal([3, 4], report.PastRetention.Lines);
        Assert.True(report.PastRetention.Imported);
        Assert.Contains("imported anyway", report.PastRetention.Describe());
        // Written, but the live store's reads still apply its retention: that is why skipping is the default.
        Assert.Equal(2, await _host.Services.GetRequiredService<ISalesStore>().CountSalesAsync(new TenantId("shop-1"), CancellationToken.None));
    }

    [Fact]
    public async Task ARecentManifestHasNoRowsPastTheRetention()
    {
        var manifest = Manifest($"{Photo("e.jpg", SKColors.Pink)},shoes,,,10,EUR,{DateTime.UtcNow.AddDays(-3):yyyy-MM-dd},E,");

        var report = await ImportAsync(manifest);

        Assert.Equal(0, report.PastRetention.Count);
        Assert.Empty(report.PastRetention.Lines);
        Assert.Equal(1, report.Imported);
    }

    [Fact]
    public void TheDescriptionShowsTheFirstLinesAndCountsTheRest()
    {
        var past = new PastRetentionRows(12, [.. Enumerable.Range(2, 12)], new DateTimeOffset(2024, 12, 2, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(730), Imported: false);

        Assert.EndsWith("line(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more.", past.Describe());
        Assert.StartsWith("12 row(s) sold before 2024-12-02 are past the 730-day retention", past.Describe());
    }
}
