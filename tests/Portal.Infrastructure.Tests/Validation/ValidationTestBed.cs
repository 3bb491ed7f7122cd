using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Embedded;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Validation;

/// <summary>A real SQLite store, a real Parquet lake and the validation parts wired on them, in a temp folder.</summary>
internal sealed class ValidationTestBed : IDisposable
{
    private readonly TempFolder _folder = new();

    public ValidationTestBed(IEnumerable<IAlertSink>? sinks = null, ValidationOptions? options = null)
    {
        Time = new FakeTimeProvider(StorageTestData.Now);
        var database = Path.Combine(_folder.Path, "sales.db");
        LakeRoot = Path.Combine(_folder.Path, "lake");
        Store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = database }, Time);
        Lake = new ParquetSalesLake(new LakeOptions { RootDirectory = LakeRoot }, Time);
        Sources = new ValidationSources(database, LakeRoot, new SqliteStoreOptions { DatabasePath = database }.RetentionPeriod);
        Reports = new SqliteValidationReportStore(database);
        Validator = EmbeddedValidation.CreateValidator(Sources, options ?? new ValidationOptions(), Time);
        Sinks.Add(new RecordingAlertSink());
        Sinks.AddRange(sinks ?? []);
        Job = new NightlyValidationJob(Validator, Reports, new AlertPublisher(Sinks, NullLogger<AlertPublisher>.Instance), Time);
        Repairer = EmbeddedValidation.CreateRepairer(Sources, Lake, Reports, Time);
    }

    public FakeTimeProvider Time { get; }
    public string LakeRoot { get; }
    public SqliteSalesStore Store { get; }
    public ParquetSalesLake Lake { get; }
    public ValidationSources Sources { get; }
    public SqliteValidationReportStore Reports { get; }
    public SalesValidator Validator { get; }
    public NightlyValidationJob Job { get; }
    public LakeRepairer Repairer { get; }
    public List<IAlertSink> Sinks { get; } = [];
    public RecordingAlertSink Recorded => (RecordingAlertSink)Sinks[0];

    public static StoredEmbedding Resnet(int seed) =>
        new("resnet18-onnx-v1", Enumerable.Range(0, 512).Select(i => (float)Math.Sin(seed * 31 + i)).ToArray());

    /// <summary>Writes the sales to both the store and the lake (as the sync pipeline does).</summary>
    public async Task WriteBothAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales)
    {
        await Store.AddSalesAsync(sales, default);
        await Lake.AppendAsync(sales.Select(s => new LakeRow(s.Sale, s.Embedding)).ToList(), default);
    }

    public static List<(SaleRecord, StoredEmbedding?)> Month(string tenant, int year, int month, int count, string prefix, decimal price = 50m) =>
        Enumerable.Range(0, count)
            .Select(i => (StorageTestData.Sale(tenant, $"{prefix}-{i}", price + i % 7, new DateTimeOffset(year, month, 1 + i % 27, 10, 0, 0, TimeSpan.Zero)),
                (StoredEmbedding?)Resnet(i + 1)))
            .ToList();

    public Task<JobResult> RunAsync(Guid? runId = null) =>
        Job.RunAsync(new JobContext(runId ?? Guid.NewGuid(), JobContext.ScheduleTrigger, new Progress<JobProgress>()), default);

    public void Dispose()
    {
        Repairer.Dispose();
        Validator.Dispose();
        Reports.Dispose();
        Store.Dispose();
        _folder.Dispose();
    }
}

internal sealed class RecordingAlertSink : IAlertSink
{
    public List<Alert> Alerts { get; } = [];

    public Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        lock (Alerts)
        {
            Alerts.Add(alert);
        }

        return Task.CompletedTask;
    }
}
