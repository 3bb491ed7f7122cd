using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Embedded;
using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Housekeeping;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Tests.Hosting;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Housekeeping;

/// <summary>A crash between writing a lake file's temporary copy and renaming it leaves <c>.*.parquet.{guid}.tmp</c> behind; housekeeping removes the stale ones.</summary>
public sealed class LakeTempFileSweepTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task HousekeepingDeletesStaleLakeTempFilesAndKeepsFreshOnesAndParquetFiles()
    {
        using var host = InfrastructureTestHost.Build(_folder.Path, ("Housekeeping:StaleLakeTempFileAge", "01:00:00"));
        var lake = host.Services.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value.LakeDirectory;
        var partition = ParquetSalesLake.PartitionFolder(lake, "acme", 2026, 11);
        Directory.CreateDirectory(partition);
        var now = DateTime.UtcNow;
        var stale = Touch(partition, $".batch-000042.parquet.{Guid.NewGuid():N}.tmp", now.AddHours(-2));
        var staleElsewhere = Touch(ParquetSalesLake.PartitionFolder(lake, "other", 2025, 1), $".part-7.parquet.{Guid.NewGuid():N}.tmp", now.AddDays(-3));
        var fresh = Touch(partition, $".batch-000043.parquet.{Guid.NewGuid():N}.tmp", now.AddMinutes(-5));
        var parquet = Touch(partition, "batch-000041.parquet", now.AddDays(-30));
        var unrelated = Touch(partition, "notes.tmp", now.AddDays(-30));
        var job = host.Services.GetServices<IPortalJob>().Single(j => j.Name == HousekeepingJob.JobName);

        var result = await job.RunAsync(new JobContext(Guid.NewGuid(), JobContext.ScheduleTrigger, new Progress<JobProgress>()), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(staleElsewhere));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(parquet));
        Assert.True(File.Exists(unrelated));
        Assert.Contains("2 stale lake temporary files", result.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-01:00:00")]
    public void ANonPositiveStaleTempFileAgeIsRefusedAtStart(string age)
    {
        using var host = InfrastructureTestHost.Build(_folder.Path, ("Housekeeping:StaleLakeTempFileAge", age));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<HousekeepingOptions>>().Value);
        Assert.Contains("Housekeeping:StaleLakeTempFileAge", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private static string Touch(string folder, string name, DateTime writtenAtUtc)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetLastWriteTimeUtc(path, writtenAtUtc);
        return path;
    }
}
