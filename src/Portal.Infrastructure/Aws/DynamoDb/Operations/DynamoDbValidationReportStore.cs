using Amazon.DynamoDBv2.Model;
using Portal.Core.Jobs;
using Portal.Core.Validation;
using static Portal.Infrastructure.Aws.DynamoDb.Operations.OperationsTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// Validation reports on DynamoDB. A report is not one item (a run over thousands of partitions would pass the 400 KB item
/// limit): under the run's key <c>VALRUN#{id}</c> sit a header (<c>RUN</c>, with the whole run's counts), one summary per
/// tenant (<c>SUMMARY#{t}</c>, the counts a tenant's runs list shows), and one small item per partition
/// (<c>PART#{t}#{yyyy-MM}</c>), finding (<c>FIND#{t}#{yyyy-MM}#{kind}#{n}</c>) and alert (<c>ALERT#{n}</c>). A tenant's
/// partitions and findings are one <c>begins_with</c> query; every query pages. GSI1 lists runs newest first.
/// The lake-repair audit lives under <c>REPAIRS</c> (newest first for Admin) and GSI1 <c>TENANT#{t}#REPAIRS</c> (per tenant).
/// </summary>
/// <remarks>
/// Saving again replaces the run: the new children are written, children the new version no longer has are deleted, and the
/// header goes last, so a reader never sees a header whose counts promise children that are not written yet.
/// </remarks>
public sealed class DynamoDbValidationReportStore(OperationsTable table) : IValidationReportStore
{
    private const int BatchGetLimit = 100;

    public async Task SaveAsync(ValidationRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Trigger);
        var pk = OperationsKeys.ValidationRunPk(run.RunId);
        var children = ChildItems(run, pk);
        var keep = children.Select(c => GetString(c, OperationsKeys.Sk)).ToHashSet(StringComparer.Ordinal);
        var existing = await table.QueryAsync(new QueryRequest
        {
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Str(pk) },
            ProjectionExpression = "pk, sk",
            ConsistentRead = true,
        }, cancellationToken);

        await table.BatchWriteAsync(children.Select(c => new WriteRequest { PutRequest = new PutRequest { Item = c } }), cancellationToken);
        await table.BatchWriteAsync(existing
            .Where(e => GetString(e, OperationsKeys.Sk) is var sk && sk != OperationsKeys.ValidationHeaderSk && !keep.Contains(sk))
            .Select(e => new WriteRequest { DeleteRequest = new DeleteRequest { Key = Key(pk, GetString(e, OperationsKeys.Sk)) } }), cancellationToken);

        var header = Key(pk, OperationsKeys.ValidationHeaderSk);
        header[OperationsKeys.ItemType] = Str("validation_run");
        header[OperationsKeys.Gsi1Pk] = Str(OperationsKeys.ValidationRunsPk);
        header[OperationsKeys.Gsi1Sk] = Str(OperationsKeys.ValidationRunsSk(run.StartedAt, run.RunId));
        header["run_id"] = Str(run.RunId.ToString("D"));
        header["trigger_name"] = Str(run.Trigger);
        header["started_at"] = Str(Time(run.StartedAt));
        SetOptional(header, "finished_at", run.FinishedAt is { } finished ? Time(finished) : null);
        header["run_status"] = Str(run.Status.ToString());
        header["threshold"] = Num(run.VarianceThresholdPercent);
        SetOptional(header, "error", run.Error);
        AddCounts(header, Counts.Of(run.Partitions, run.Findings, run.Alerts));
        await table.Client.PutItemAsync(new PutItemRequest { TableName = table.Name, Item = header }, cancellationToken);
    }

    public async Task<IReadOnlyList<ValidationRunSummary>> ListAsync(TenantId? tenant, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var headers = await table.QueryAsync(new QueryRequest
        {
            IndexName = OperationsTableSpec.Gsi1,
            KeyConditionExpression = "gsi1pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.ValidationRunsPk) },
            ScanIndexForward = false,
            Limit = limit,
        }, cancellationToken, take: limit);

        // A tenant's counts come from its summary item; a run without one had nothing of that tenant.
        var summaries = tenant is { } scope
            ? await BatchGetAsync(headers.Select(h => Key(GetString(h, OperationsKeys.Pk), OperationsKeys.SummarySk(scope))), cancellationToken)
            : null;
        return [.. headers.Select(h =>
        {
            var counts = summaries is null ? ReadCounts(h)
                : summaries.TryGetValue(GetString(h, OperationsKeys.Pk), out var summary) ? ReadCounts(summary) : default;
            return new ValidationRunSummary(
                Guid.Parse(GetString(h, "run_id")), GetString(h, "trigger_name"), GetTime(h, "started_at"), GetOptionalTime(h, "finished_at"),
                Enum.Parse<ValidationRunStatus>(GetString(h, "run_status")),
                counts.Partitions, counts.OverThreshold, counts.Findings, counts.Alerts);
        })];
    }

    public async Task<ValidationRun?> GetAsync(Guid runId, TenantId? tenant, CancellationToken cancellationToken)
    {
        var pk = OperationsKeys.ValidationRunPk(runId);
        var header = await table.GetItemAsync(Key(pk, OperationsKeys.ValidationHeaderSk), cancellationToken);
        if (header is null)
        {
            return null;
        }

        var scope = tenant is { } t ? t.Value + "#" : "";
        var partitions = await ChildrenAsync(pk, OperationsKeys.PartitionPrefix + scope, null, cancellationToken);
        var findings = await ChildrenAsync(pk, OperationsKeys.FindingPrefix + scope, null, cancellationToken);
        var alerts = await ChildrenAsync(pk, OperationsKeys.AlertPrefix,
            tenant is { } only ? item => GetOptionalString(item, "tenant_id") == only.Value : null, cancellationToken);

        return new ValidationRun
        {
            RunId = runId,
            Trigger = GetString(header, "trigger_name"),
            StartedAt = GetTime(header, "started_at"),
            FinishedAt = GetOptionalTime(header, "finished_at"),
            Status = Enum.Parse<ValidationRunStatus>(GetString(header, "run_status")),
            VarianceThresholdPercent = GetDouble(header, "threshold"),
            Error = GetOptionalString(header, "error"),
            Partitions = [.. partitions.Select(p => new PartitionCounts(
                ReadPartition(p), GetLong(p, "store_count"), GetLong(p, "lake_count"), GetDouble(p, "variance"), GetLong(p, "over_threshold") == 1))],
            Findings = [.. findings.Select(f => new ValidationFinding(
                Enum.Parse<ValidationFindingKind>(GetString(f, "kind")), ReadPartition(f), GetLong(f, "count"), GetStrings(f, "examples"), GetString(f, "detail")))],
            Alerts = [.. alerts.Select(a => new Alert(
                GetString(a, "source"), Enum.Parse<AlertSeverity>(GetString(a, "severity")), GetString(a, "title"), GetString(a, "message"),
                GetOptionalString(a, "tenant_id") is { } alertTenant ? new TenantId(alertTenant) : null,
                GetTime(a, "raised_at"), GetOptionalString(a, "detail_url")))],
        };
    }

    public async Task AddRepairAuditAsync(LakeRepairAudit audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentException.ThrowIfNullOrWhiteSpace(audit.Actor);
        var item = Key(OperationsKeys.RepairsPk, OperationsKeys.RepairSk(audit.At, audit.AuditId));
        item[OperationsKeys.ItemType] = Str("lake_repair_audit");
        item[OperationsKeys.Gsi1Pk] = Str(OperationsKeys.RepairsByTenantPk(audit.Partition.Tenant));
        item[OperationsKeys.Gsi1Sk] = Str(OperationsKeys.RepairsByTenantSk(audit.At, audit.AuditId));
        item["audit_id"] = Str(audit.AuditId.ToString("D"));
        SetOptional(item, "run_id", audit.RunId?.ToString("D"));
        AddPartition(item, audit.Partition);
        item["actor"] = Str(audit.Actor);
        item["at"] = Str(Time(audit.At));
        item["dry_run"] = Num(audit.DryRun ? 1L : 0L);
        item["missing_count"] = Num(audit.MissingCount);
        item["written_count"] = Num(audit.WrittenCount);
        await table.Client.PutItemAsync(new PutItemRequest
        {
            TableName = table.Name,
            Item = item,
            ConditionExpression = "attribute_not_exists(pk)",
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<LakeRepairAudit>> ListRepairAuditAsync(TenantId? tenant, Guid? runId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var request = tenant is { } scope
            ? new QueryRequest
            {
                IndexName = OperationsTableSpec.Gsi1,
                KeyConditionExpression = "gsi1pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.RepairsByTenantPk(scope)) },
                ScanIndexForward = false,
            }
            : new QueryRequest
            {
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.RepairsPk) },
                ScanIndexForward = false,
            };
        var run = runId?.ToString("D");
        var items = await table.QueryAsync(request, cancellationToken, run is null ? null : item => GetOptionalString(item, "run_id") == run, take: limit);
        return [.. items.Select(a => new LakeRepairAudit(
            Guid.Parse(GetString(a, "audit_id")), GetOptionalString(a, "run_id") is { } r ? Guid.Parse(r) : null, ReadPartition(a),
            GetString(a, "actor"), GetTime(a, "at"), GetLong(a, "dry_run") == 1, (int)GetLong(a, "missing_count"), (int)GetLong(a, "written_count")))];
    }

    private Task<List<Dictionary<string, AttributeValue>>> ChildrenAsync(
        string pk, string prefix, Func<Dictionary<string, AttributeValue>, bool>? keep, CancellationToken cancellationToken) =>
        table.QueryAsync(new QueryRequest
        {
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues = new() { [":pk"] = Str(pk), [":prefix"] = Str(prefix) },
            ConsistentRead = true,
        }, cancellationToken, keep);

    /// <summary>Items by key, keyed by their <c>pk</c>; missing items are simply absent.</summary>
    private async Task<Dictionary<string, Dictionary<string, AttributeValue>>> BatchGetAsync(IEnumerable<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(BatchGetLimit))
        {
            var pending = new Dictionary<string, KeysAndAttributes> { [table.Name] = new KeysAndAttributes { Keys = [.. chunk], ConsistentRead = true } };
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Pow(2, Math.Min(attempt, 6))), cancellationToken);
                }

                var response = await table.Client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken);
                foreach (var item in response.Responses?.GetValueOrDefault(table.Name) ?? [])
                {
                    found[GetString(item, OperationsKeys.Pk)] = item;
                }

                pending = response.UnprocessedKeys is { Count: > 0 } unprocessed && unprocessed.Values.Any(k => k.Keys is { Count: > 0 }) ? unprocessed : [];
            }
        }

        return found;
    }

    private static List<Dictionary<string, AttributeValue>> ChildItems(ValidationRun run, string pk) =>
    [
        .. run.Partitions.Select(p => PartitionItem(pk, p)),
        .. run.Findings.Select((f, sequence) => FindingItem(pk, f, sequence)),
        .. run.Alerts.Select((a, sequence) => AlertItem(pk, a, sequence)),
        .. run.Partitions.Select(p => p.Partition.Tenant)
            .Concat(run.Findings.Select(f => f.Partition.Tenant))
            .Concat(run.Alerts.Where(a => a.Tenant is not null).Select(a => a.Tenant!.Value))
            .Distinct()
            .Select(tenant => TenantSummaryItem(pk, run, tenant)),
    ];

    private static Dictionary<string, AttributeValue> PartitionItem(string pk, PartitionCounts p)
    {
        var item = Key(pk, OperationsKeys.PartitionSk(p.Partition.Tenant, p.Partition.Year, p.Partition.Month));
        item[OperationsKeys.ItemType] = Str("validation_partition");
        AddPartition(item, p.Partition);
        item["store_count"] = Num(p.StoreCount);
        item["lake_count"] = Num(p.LakeCount);
        item["variance"] = Num(p.VariancePercent);
        item["over_threshold"] = Num(p.OverThreshold ? 1L : 0L);
        return item;
    }

    private static Dictionary<string, AttributeValue> FindingItem(string pk, ValidationFinding f, int sequence)
    {
        var item = Key(pk, OperationsKeys.FindingSk(f.Partition.Tenant, f.Partition.Year, f.Partition.Month, f.Kind.ToString(), sequence));
        item[OperationsKeys.ItemType] = Str("validation_finding");
        AddPartition(item, f.Partition);
        item["kind"] = Str(f.Kind.ToString());
        item["count"] = Num(f.Count);
        item["examples"] = Strings(f.Examples);
        item["detail"] = Str(f.Detail);
        return item;
    }

    private static Dictionary<string, AttributeValue> AlertItem(string pk, Alert a, int sequence)
    {
        var item = Key(pk, OperationsKeys.AlertSk(sequence));
        item[OperationsKeys.ItemType] = Str("validation_alert");
        SetOptional(item, "tenant_id", a.Tenant?.Value);
        item["source"] = Str(a.Source);
        item["severity"] = Str(a.Severity.ToString());
        item["title"] = Str(a.Title);
        item["message"] = Str(a.Message);
        item["raised_at"] = Str(Time(a.RaisedAt));
        SetOptional(item, "detail_url", a.DetailUrl);
        return item;
    }

    private static Dictionary<string, AttributeValue> TenantSummaryItem(string pk, ValidationRun run, TenantId tenant)
    {
        var item = Key(pk, OperationsKeys.SummarySk(tenant));
        item[OperationsKeys.ItemType] = Str("validation_tenant_summary");
        item["tenant_id"] = Str(tenant.Value);
        AddCounts(item, Counts.Of(
            run.Partitions.Where(p => p.Partition.Tenant == tenant),
            run.Findings.Where(f => f.Partition.Tenant == tenant),
            run.Alerts.Where(a => a.Tenant == tenant)));
        return item;
    }

    private static void AddPartition(Dictionary<string, AttributeValue> item, SalesPartition partition)
    {
        item["tenant_id"] = Str(partition.Tenant.Value);
        item["year"] = Num(partition.Year);
        item["month"] = Num(partition.Month);
    }

    private static SalesPartition ReadPartition(Dictionary<string, AttributeValue> item) =>
        new(new TenantId(GetString(item, "tenant_id")), (int)GetLong(item, "year"), (int)GetLong(item, "month"));

    private static void AddCounts(Dictionary<string, AttributeValue> item, Counts counts)
    {
        item["partition_count"] = Num(counts.Partitions);
        item["over_threshold_count"] = Num(counts.OverThreshold);
        item["finding_count"] = Num(counts.Findings);
        item["alert_count"] = Num(counts.Alerts);
    }

    private static Counts ReadCounts(Dictionary<string, AttributeValue> item) => new(
        (int)GetLong(item, "partition_count"), (int)GetLong(item, "over_threshold_count"), GetLong(item, "finding_count"), (int)GetLong(item, "alert_count"));

    private readonly record struct Counts(int Partitions, int OverThreshold, long Findings, int Alerts)
    {
        public static Counts Of(IEnumerable<PartitionCounts> partitions, IEnumerable<ValidationFinding> findings, IEnumerable<Alert> alerts)
        {
            var p = partitions.ToList();
            return new Counts(p.Count, p.Count(x => x.OverThreshold), findings.Sum(f => f.Count), alerts.Count());
        }
    }
}
