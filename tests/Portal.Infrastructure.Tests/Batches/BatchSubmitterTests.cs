using Portal.Core.Pricing.Batches;

namespace Portal.Infrastructure.Tests.Batches;

public sealed class BatchSubmitterTests(BatchTestHost host) : IClassFixture<BatchTestHost>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly byte[] Shoe = BatchTestHost.Photos("shoes", 1)[0].Bytes;

    [Fact]
    public async Task KeepsBadRowsWithTheirLineAndStoresTheRest()
    {
        const string csv = """
            image,category,condition,brand,title
            shoe.jpg,shoes,very_good,acme,"Leather boots, brown"
            shoe.jpg,spaceships,very_good,,
            missing.jpg,shoes,good,,
            notes.jpg,shoes,good,,
            photos/shoe.jpg,shoes,gently_worn,,
            shoe.jpg,shoes,like_new
            """;
        var zip = BatchTestHost.Zip(("photos/shoe.jpg", Shoe), ("notes.jpg", "not a photo at all"u8.ToArray()));

        var outcome = Assert.IsType<BatchSubmitOutcome.Accepted>(await host.Submitter().SubmitAsync(BatchTestHost.CsvUpload(csv, zip), Ct));

        Assert.Equal([3, 4, 5, 6], outcome.Problems.Select(p => p.Line));
        Assert.Contains("Unknown category 'spaceships'", outcome.Problems[0].Error);
        Assert.Contains("'missing.jpg' is not in the zip", outcome.Problems[1].Error);
        Assert.Contains("notes.jpg", outcome.Problems[2].Error);
        Assert.Contains("Unknown condition 'gently_worn'", outcome.Problems[3].Error);
        Assert.Equal(new BatchCounts(6, 2, 0, 0, 4, 0), outcome.Counts);

        var rows = await host.Store.GetRowsAsync(BatchTestHost.Demo, outcome.Batch.BatchId, Ct);
        Assert.Equal([2, 3, 4, 5, 6, 7], rows.Select(r => r.Line));
        Assert.Equal(("acme", "Leather boots, brown"), (rows[0].Brand, rows[0].Title));
        Assert.NotNull(rows[0].ImageKey);
        Assert.Equal(rows[0].ImageKey, rows[5].ImageKey);
        Assert.All(rows.Where(r => r.Status == BatchRowStatus.Invalid), r => Assert.NotNull(r.Error));
    }

    [Fact]
    public async Task RefusesMoreRowsThanTheLimit()
    {
        var csv = "image,category,condition\n" + string.Concat(Enumerable.Repeat("shoe.jpg,shoes,good\n", 4));

        var refused = await host.Submitter(new BatchOptions { MaxRows = 3 }).SubmitAsync(BatchTestHost.CsvUpload(csv, BatchTestHost.Zip(("shoe.jpg", Shoe))), Ct);

        var invalid = Assert.IsType<BatchSubmitOutcome.Invalid>(refused);
        Assert.Equal("The CSV has 4 rows; the limit is 3.", invalid.Errors["csv"].Single());
    }

    [Fact]
    public async Task RefusesACsvWithoutTheRequiredColumns()
    {
        var refused = await host.Submitter().SubmitAsync(BatchTestHost.CsvUpload("photo,kind\nshoe.jpg,shoes\n", BatchTestHost.Zip(("shoe.jpg", Shoe))), Ct);

        Assert.Contains("lacks image, category, condition", Assert.IsType<BatchSubmitOutcome.Invalid>(refused).Detail);
    }

    [Fact]
    public async Task RefusesAZipOverItsSizeLimitBeforeOpeningIt()
    {
        var zip = BatchTestHost.Zip(("shoe.jpg", Shoe));

        var refused = await host.Submitter(new BatchOptions { MaxZipBytes = zip.Length - 1 }).SubmitAsync(BatchTestHost.CsvUpload("image,category,condition\nshoe.jpg,shoes,good\n", zip), Ct);

        Assert.Contains($"The zip is {zip.Length} bytes", Assert.IsType<BatchSubmitOutcome.TooLarge>(refused).Detail);
    }

    [Fact]
    public async Task RefusesAZipWithMoreEntriesThanTheLimit()
    {
        var zip = BatchTestHost.Zip(("a.jpg", Shoe), ("b.jpg", Shoe), ("c.jpg", Shoe));

        var refused = await host.Submitter(new BatchOptions { MaxZipEntries = 2 }).SubmitAsync(BatchTestHost.CsvUpload("image,category,condition\na.jpg,shoes,good\n", zip), Ct);

        Assert.Equal("The zip holds 3 entries; the limit is 2.", Assert.IsType<BatchSubmitOutcome.Invalid>(refused).Errors["zip"].Single());
    }

    [Theory]
    [InlineData("../evil.jpg")]
    [InlineData("photos/../../evil.jpg")]
    [InlineData("/etc/evil.jpg")]
    [InlineData("C:/evil.jpg")]
    [InlineData("photos\\..\\evil.jpg")]
    public async Task RefusesAZipWhoseEntryClimbsOutOfTheArchive(string name)
    {
        var zip = BatchTestHost.Zip(("shoe.jpg", Shoe), (name, Shoe));

        var refused = await host.Submitter().SubmitAsync(BatchTestHost.CsvUpload("image,category,condition\nshoe.jpg,shoes,good\n", zip), Ct);

        Assert.Contains($"'{name}' points outside the archive", Assert.IsType<BatchSubmitOutcome.Invalid>(refused).Detail);
    }

    [Fact]
    public async Task RefusesADecompressionBombFromItsHeaders()
    {
        // 50 MB of zeros pack into about 50 KB.
        var zip = BatchTestHost.Zip(("shoe.jpg", Shoe), ("bomb.jpg", new byte[50 * 1024 * 1024]));

        var refused = await host.Submitter().SubmitAsync(BatchTestHost.CsvUpload("image,category,condition\nshoe.jpg,shoes,good\n", zip), Ct);

        Assert.Contains("'bomb.jpg' unpacks from", Assert.IsType<BatchSubmitOutcome.TooLarge>(refused).Detail);
    }

    [Fact]
    public async Task RefusesAZipThatUnpacksToMoreThanTheLimit()
    {
        var zip = BatchTestHost.Zip(("a.jpg", Shoe), ("b.jpg", Shoe));

        var refused = await host.Submitter(new BatchOptions { MaxUnpackedBytes = Shoe.Length + 1 })
            .SubmitAsync(BatchTestHost.CsvUpload("image,category,condition\na.jpg,shoes,good\n", zip), Ct);

        Assert.Contains("unpacks to more than", Assert.IsType<BatchSubmitOutcome.TooLarge>(refused).Detail);
    }

    [Fact]
    public async Task APhotoOverThePhotoLimitMakesItsRowInvalidOnly()
    {
        var small = BatchTestHost.Photos("shoes", 2)[1].Bytes;
        var limit = Math.Max(small.Length, Shoe.Length) - 1;
        var (big, fits) = Shoe.Length > small.Length ? (Shoe, small) : (small, Shoe);
        var zip = BatchTestHost.Zip(("big.jpg", big), ("fits.jpg", fits));

        var outcome = await host.Submitter(new BatchOptions { MaxPhotoBytes = limit })
            .SubmitAsync(BatchTestHost.CsvUpload("image,category,condition\nbig.jpg,shoes,good\nfits.jpg,shoes,good\n", zip), Ct);

        var accepted = Assert.IsType<BatchSubmitOutcome.Accepted>(outcome);
        Assert.Equal(2, accepted.Problems.Single().Line);
        Assert.Contains("over the photo limit", accepted.Problems.Single().Error);
        Assert.Equal(1, accepted.Counts.Pending);
    }

    [Fact]
    public async Task PhotosShareOneCategoryAndConditionAndANonImageIsARow()
    {
        var photos = BatchTestHost.Photos("shoes", 2);
        var upload = new BatchUpload.Photos(
            [BatchTestHost.File("a.jpg", photos[0].Bytes), BatchTestHost.File("readme.txt", "hello"u8.ToArray()), BatchTestHost.File("b.jpg", photos[1].Bytes)],
            "shoes", "good") { Tenant = BatchTestHost.Demo, UserName = "ana@example.com" };

        var accepted = Assert.IsType<BatchSubmitOutcome.Accepted>(await host.Submitter().SubmitAsync(upload, Ct));

        Assert.Equal(2, accepted.Problems.Single().Line);
        var rows = await host.Store.GetRowsAsync(BatchTestHost.Demo, accepted.Batch.BatchId, Ct);
        Assert.All(rows, r => Assert.Equal(("shoes", "good"), (r.Category, r.Condition)));
        Assert.Equal("a.jpg", accepted.Batch.Name);
    }

    [Fact]
    public async Task PhotosWithAnUnknownCategoryOrOverThePhotoLimitAreRefusedWhole()
    {
        var photo = BatchTestHost.File("a.jpg", Shoe);
        BatchUpload.Photos Upload(string? category, string? condition) => new([photo], category, condition) { Tenant = BatchTestHost.Demo, UserName = "ana@example.com" };

        var invalid = Assert.IsType<BatchSubmitOutcome.Invalid>(await host.Submitter().SubmitAsync(Upload("spaceships", null), Ct));
        Assert.Equal(["category", "condition"], invalid.Errors.Keys.Order());
        Assert.IsType<BatchSubmitOutcome.TooLarge>(await host.Submitter(new BatchOptions { MaxPhotoBytes = Shoe.Length - 1 }).SubmitAsync(Upload("shoes", "good"), Ct));
    }
}
