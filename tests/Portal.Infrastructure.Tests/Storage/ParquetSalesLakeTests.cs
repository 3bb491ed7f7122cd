using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Lake;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The sales lake contract on the folder lake.</summary>
public sealed class ParquetSalesLakeTests : SalesLakeContract
{
    private readonly TempFolder _folder = new();
    private readonly ParquetSalesLake _lake;

    public ParquetSalesLakeTests() => _lake = new ParquetSalesLake(new LakeOptions { RootDirectory = _folder.Path }, Time);

    protected override ISalesLake Lake => _lake;

    public override void Dispose()
    {
        _folder.Dispose();
        base.Dispose();
    }

    protected override string RelativeName(string written) => Path.GetRelativePath(_folder.Path, written).Replace('\\', '/');

    protected override Task<IReadOnlyList<string>> StoredNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories).Select(RelativeName).Order(StringComparer.Ordinal)]);

    protected override Task<string> LocalCopyAsync(string written) => Task.FromResult(written);
}
