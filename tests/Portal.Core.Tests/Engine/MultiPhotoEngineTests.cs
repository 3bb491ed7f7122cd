using Portal.Core.Sales;

namespace Portal.Core.Tests.Engine;

public sealed class MultiPhotoEngineTests
{
    [Fact]
    public void TwoQueryPhotosFindASaleThroughItsSecondPhoto()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("s1", 100m, 5, 0.9);
        fixture.AddSale("s2", 110m, 6, 0.9);
        fixture.AddSale("s3", 120m, 7, 0.9);
        // The sale's first photo matches no query photo; its second photo is the query's second photo.
        var sale = new SaleRecord
        {
            Tenant = EngineFixture.Tenant,
            ProductId = "p-x",
            SaleId = "x",
            Category = "shoes",
            Brand = "Acme",
            Condition = ItemCondition.VeryGood,
            SoldPrice = 130m,
            Currency = "EUR",
            SoldAt = EngineFixture.Today.AddDays(-4),
        };
        fixture.Index.Add(new SaleWithPhotos(sale, new StoredEmbedding(EngineFixture.Model, Axis(6)))
        {
            MorePhotos = [new StoredEmbedding(EngineFixture.Model, Axis(5))],
        });
        var engine = fixture.Engine();

        var onePhoto = engine.Calculate(EngineFixture.QueryFor()).Suggestion!;
        var twoPhotos = engine.Calculate(EngineFixture.QueryFor() with { MorePhotoEmbeddings = [Axis(5)] }).Suggestion!;

        Assert.DoesNotContain(onePhoto.Comparables, c => c.SaleId == "x");
        var found = Assert.Single(twoPhotos.Comparables, c => c.SaleId == "x");
        // Best pair, not the averaged query (which would score 0.71): the sale's second photo is the query's second photo.
        Assert.Equal(1.0, found.ImageSimilarity, 5);
        Assert.Equal(4, twoPhotos.Comparables.Count);
        Assert.All(twoPhotos.Comparables.Where(c => c.SaleId != "x"), c => Assert.Equal(0.9, c.ImageSimilarity, 5));
    }

    [Fact]
    public void OneQueryPhotoPricesAsBefore()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("s1", 100m, 5, 0.9);
        fixture.AddSale("s2", 110m, 6, 0.8);
        fixture.AddSale("s3", 120m, 7, 0.7);
        var engine = fixture.Engine();

        var plain = engine.Calculate(EngineFixture.QueryFor()).Suggestion!;
        var explicitlyEmpty = engine.Calculate(EngineFixture.QueryFor() with { MorePhotoEmbeddings = [] }).Suggestion!;

        Assert.Equal(plain.Price, explicitlyEmpty.Price);
        Assert.Equal(plain.Comparables.Select(c => (c.SaleId, c.Similarity)), explicitlyEmpty.Comparables.Select(c => (c.SaleId, c.Similarity)));
    }

    private static float[] Axis(int axis)
    {
        var v = new float[8];
        v[axis] = 1;
        return v;
    }
}
