using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Embedded;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Web.Tests.Validation;

/// <summary>The real validation parts (SQLite store and report store, Parquet lake, DuckDB) in a temp folder, for the pages.</summary>
internal sealed class ValidationPageBed : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-validation-pages", Guid.NewGuid().ToString("N"));

    public ValidationPageBed()
    {
        Directory.CreateDirectory(_folder);
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 3, 0, 0, TimeSpan.Zero));
        var database = Path.Combine(_folder, "sales.db");
        LakeRoot = Path.Combine(_folder, "lake");
        Store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = database }, Time);
        Lake = new ParquetSalesLake(new LakeOptions { RootDirectory = LakeRoot }, Time);
        var sources = new ValidationSources(database, LakeRoot, TimeSpan.FromDays(730));
        Reports = new SqliteValidationReportStore(database);
        Validator = EmbeddedValidation.CreateValidator(sources, new ValidationOptions(), Time);
        Job = new NightlyValidationJob(Validator, Reports, new AlertPublisher([], NullLogger<AlertPublisher>.Instance), Time);
        Repairer = EmbeddedValidation.CreateRepairer(sources, Lake, Reports, Time);
    }

    public FakeTimeProvider Time { get; }
    public string LakeRoot { get; }
    public SqliteSalesStore Store { get; }
    public ParquetSalesLake Lake { get; }
    public SqliteValidationReportStore Reports { get; }
    public SalesValidator Validator { get; }
    public NightlyValidationJob Job { get; }
    public LakeRepairer Repairer { get; }

    /// <summary>Sales in the store; the first <paramref name="inLake"/> of them in the lake too.</summary>
    public async Task AddAsync(string tenant, int year, int month, int count, int inLake, decimal price = 40m)
    {
        var sales = Enumerable.Range(0, count).Select(i => (Sale: new SaleRecord
        {
            Tenant = new TenantId(tenant),
            ProductId = $"p-{tenant}-{year}{month}-{i}",
            SaleId = $"{tenant}-{year}{month:D2}-{i}",
            Category = "dresses",
            SoldPrice = price + i % 5,
            Currency = "SGD",
            SoldAt = new DateTimeOffset(year, month, 1 + i % 27, 12, 0, 0, TimeSpan.Zero),
            Source = "carousel",
        }, Embedding: (StoredEmbedding?)new StoredEmbedding("resnet18-onnx-v1", Enumerable.Range(0, 512).Select(d => (float)Math.Cos(i + d)).ToArray()))).ToList();
        await Store.AddSalesAsync(sales, default);
        await Lake.AppendAsync(sales.Take(inLake).Select(s => new LakeRow(s.Sale, s.Embedding)).ToList(), default);
    }

    public async Task<Guid> RunAsync()
    {
        var runId = Guid.NewGuid();
        await Job.RunAsync(new JobContext(runId, JobContext.ManualTrigger("ops@example.test"), new Progress<JobProgress>()), default);
        Time.Advance(TimeSpan.FromMinutes(1));
        return runId;
    }

    public void Dispose()
    {
        Repairer.Dispose();
        Validator.Dispose();
        Reports.Dispose();
        Store.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
