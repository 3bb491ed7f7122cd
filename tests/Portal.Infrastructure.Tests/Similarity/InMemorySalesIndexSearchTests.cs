using Portal.Core.Pricing.Similarity;

namespace Portal.Infrastructure.Tests.Similarity;

/// <summary>The exact in-memory scan, the reference every remote adapter is compared with.</summary>
public sealed class InMemorySalesIndexSearchTests : SalesIndexSearchContract
{
    protected override Task<ISalesIndex> CreateIndexAsync() => Task.FromResult<ISalesIndex>(new InMemorySalesIndex());
}

/// <summary>The same contract with int8 pre-scan and exact re-rank switched on.</summary>
public sealed class QuantisedInMemorySalesIndexSearchTests : SalesIndexSearchContract
{
    protected override Task<ISalesIndex> CreateIndexAsync() =>
        Task.FromResult<ISalesIndex>(new InMemorySalesIndex(new IndexOptions { EnableQuantizedSearch = true }));
}
