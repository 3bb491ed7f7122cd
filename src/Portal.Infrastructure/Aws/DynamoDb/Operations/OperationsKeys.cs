using System.Globalization;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// Every key of the operations table in one place. Tenants are <c>[a-z0-9-]</c> (no <c>#</c>), so a tenant segment can end a
/// <c>begins_with</c> prefix; every other caller-given segment (decision ids, job names) only ever appears in exact-match keys.
/// Times in sort keys are fixed-width (15-digit unix milliseconds, or ISO-8601 UTC), so they sort as text.
/// </summary>
internal static class OperationsKeys
{
    public const string Pk = "pk";
    public const string Sk = "sk";
    public const string Gsi1Pk = "gsi1pk";
    public const string Gsi1Sk = "gsi1sk";
    public const string Gsi2Pk = "gsi2pk";
    public const string Gsi2Sk = "gsi2sk";
    public const string ItemType = "item_type";

    // Pricing decisions: one item per decision; GSI1 lists a tenant's decisions by time.
    public static string DecisionPk(TenantId tenant, string decisionId) => $"TENANT#{tenant.Value}#DECISION#{decisionId}";

    public const string DecisionSk = "DECISION";

    public static string DecisionsByTimePk(TenantId tenant) => $"TENANT#{tenant.Value}#DECISIONS";

    public static string DecisionsByTimeSk(DateTimeOffset decidedAt, string decisionId) => $"{Millis(decidedAt)}#{decisionId}";

    // Pricing batches: the header and its rows share one partition; GSI1 lists a tenant's batches by time, GSI2 (sparse) the unfinished ones.
    public static string BatchPk(TenantId tenant, string batchId) => $"TENANT#{tenant.Value}#BATCH#{batchId}";

    public const string BatchSk = "BATCH";
    public const string BatchRowPrefix = "ROW#";

    public static string BatchRowSk(int line) => string.Create(CultureInfo.InvariantCulture, $"{BatchRowPrefix}{line:D7}");

    public static string BatchesByTimePk(TenantId tenant) => $"TENANT#{tenant.Value}#BATCHES";

    public static string BatchesByTimeSk(DateTimeOffset createdAt, string batchId) => $"{Millis(createdAt)}#{batchId}";

    public const string UnfinishedBatchesPk = "BATCHES#UNFINISHED";

    public static string UnfinishedBatchesSk(DateTimeOffset createdAt, TenantId tenant, string batchId) => $"{Millis(createdAt)}#{tenant.Value}#{batchId}";

    // Jobs: the run item, the job's one-running lock and its watermark; GSI1 lists a job's runs by start, GSI2 (sparse) the running ones.
    public static string JobRunPk(Guid runId) => $"JOBRUN#{runId:D}";

    public const string JobRunSk = "RUN";

    public static string JobPk(string jobName) => $"JOB#{jobName}";

    public const string JobLockSk = "LOCK";
    public const string JobWatermarkSk = "WATERMARK";

    public static string JobRunsByStartPk(string jobName) => $"JOB#{jobName}#RUNS";

    public static string JobRunsByStartSk(DateTimeOffset startedAt, Guid runId) => $"{Millis(startedAt)}#{runId:D}";

    public const string RunningJobRunsPk = "JOBRUNS#RUNNING";

    // Validation: the run header, one summary per tenant, and one item per partition, finding and alert under the run's key.
    public static string ValidationRunPk(Guid runId) => $"VALRUN#{runId:D}";

    public const string ValidationHeaderSk = "RUN";
    public const string ValidationRunsPk = "VALRUNS";

    public static string ValidationRunsSk(DateTimeOffset startedAt, Guid runId) => $"{Iso(startedAt)}#{runId:D}";

    public const string SummaryPrefix = "SUMMARY#";
    public const string PartitionPrefix = "PART#";
    public const string FindingPrefix = "FIND#";
    public const string AlertPrefix = "ALERT#";

    public static string SummarySk(TenantId tenant) => SummaryPrefix + tenant.Value;

    public static string PartitionSk(TenantId tenant, int year, int month) =>
        string.Create(CultureInfo.InvariantCulture, $"{PartitionPrefix}{tenant.Value}#{year:D4}-{month:D2}");

    public static string FindingSk(TenantId tenant, int year, int month, string kind, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{FindingPrefix}{tenant.Value}#{year:D4}-{month:D2}#{kind}#{sequence:D6}");

    public static string AlertSk(int sequence) => string.Create(CultureInfo.InvariantCulture, $"{AlertPrefix}{sequence:D6}");

    // Lake-repair audit: newest first for everyone on the main key, per tenant on GSI1.
    public const string RepairsPk = "REPAIRS";

    public static string RepairSk(DateTimeOffset at, Guid auditId) => $"AUDIT#{Iso(at)}#{auditId:D}";

    public static string RepairsByTenantPk(TenantId tenant) => $"TENANT#{tenant.Value}#REPAIRS";

    public static string RepairsByTenantSk(DateTimeOffset at, Guid auditId) => $"{Iso(at)}#{auditId:D}";

    public static string Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
