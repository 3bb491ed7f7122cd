using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb.Provisioning;

/// <summary>
/// Creates or updates every registered <see cref="IDynamoDbTableSpec"/> idempotently: a missing table is created (on-demand
/// billing, all GSIs) and waited for; an existing one gets its missing GSIs one at a time (DynamoDB builds one online index at
/// a time), each waited for until ACTIVE; then TTL is enabled on the spec's attribute. A second run changes nothing and says so.
/// <see cref="Plan"/> is the dry run: computed from the specs alone, without a client, credentials or a call.
/// </summary>
public sealed class DynamoDbTableProvisioner(IAmazonDynamoDB client, IEnumerable<IDynamoDbTableSpec> specs, ProvisioningTimings? timings = null)
{
    private readonly ProvisioningTimings _timings = timings ?? new ProvisioningTimings();

    /// <summary>The dry run: one line per table naming what provisioning ensures, from the specs alone (no AWS call).</summary>
    public static ProvisioningReport Plan(IEnumerable<IDynamoDbTableSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var actions = new List<ProvisioningAction>();
        foreach (var spec in Distinct(specs))
        {
            var request = spec.CreateTableRequest();
            var keys = string.Join("/", (request.KeySchema ?? []).Select(k => k.AttributeName));
            var indexes = request.GlobalSecondaryIndexes is { Count: > 0 } gsis ? string.Join(", ", gsis.Select(g => g.IndexName)) : "none";
            var ttl = spec.TimeToLiveAttribute is { } attribute ? $"TTL on '{attribute}'" : "no TTL";
            var billing = request.BillingMode?.Value ?? "PROVISIONED";
            actions.Add(new ProvisioningAction(spec.TableName, ProvisioningActionKind.Planned,
                $"table (keys {keys}, {billing}), GSIs: {indexes}; {ttl} — created if missing, missing GSIs added, TTL enabled if off"));
        }

        return new ProvisioningReport(actions);
    }

    public async Task<ProvisioningReport> ProvisionAsync(Action<ProvisioningAction>? onAction, CancellationToken cancellationToken)
    {
        var actions = new List<ProvisioningAction>();
        void Report(ProvisioningAction action)
        {
            actions.Add(action);
            onAction?.Invoke(action);
        }

        foreach (var spec in Distinct(specs))
        {
            var before = actions.Count;
            await EnsureTableAsync(spec, Report, cancellationToken);
            await EnsureTimeToLiveAsync(spec, Report, cancellationToken);
            if (!actions.Skip(before).Any(a => a.Kind is not ProvisioningActionKind.Warning))
            {
                var request = spec.CreateTableRequest();
                Report(new ProvisioningAction(spec.TableName, ProvisioningActionKind.UpToDate,
                    $"no changes ({request.GlobalSecondaryIndexes?.Count ?? 0} GSIs present)"));
            }
        }

        return new ProvisioningReport(actions);
    }

    private async Task EnsureTableAsync(IDynamoDbTableSpec spec, Action<ProvisioningAction> report, CancellationToken cancellationToken)
    {
        var request = spec.CreateTableRequest();
        var existing = await DescribeAsync(spec.TableName, cancellationToken);
        if (existing is null)
        {
            try
            {
                await client.CreateTableAsync(request, cancellationToken);
                await WaitAsync(spec.TableName, null, cancellationToken);
                report(new ProvisioningAction(spec.TableName, ProvisioningActionKind.CreatedTable,
                    $"with {request.GlobalSecondaryIndexes?.Count ?? 0} GSIs ({request.BillingMode?.Value ?? "PROVISIONED"})"));
                return;
            }
            catch (ResourceInUseException)
            {
                // Another provisioner created it between our describe and create: carry on as for an existing table.
                existing = await WaitAsync(spec.TableName, null, cancellationToken);
            }
        }
        else if (existing.TableStatus != TableStatus.ACTIVE)
        {
            existing = await WaitAsync(spec.TableName, null, cancellationToken);
        }

        var present = (existing.GlobalSecondaryIndexes ?? []).Select(g => g.IndexName).ToHashSet(StringComparer.Ordinal);
        foreach (var index in request.GlobalSecondaryIndexes ?? [])
        {
            if (!present.Contains(index.IndexName))
            {
                await AddIndexAsync(spec.TableName, request, index, report, cancellationToken);
            }
        }
    }

    /// <summary>Adds a GSI the table lacks and waits until it is active, or reports why this endpoint will not build it.</summary>
    private async Task AddIndexAsync(
        string tableName, CreateTableRequest request, GlobalSecondaryIndex index, Action<ProvisioningAction> report, CancellationToken cancellationToken)
    {
        var keyNames = index.KeySchema.Select(k => k.AttributeName).ToHashSet(StringComparer.Ordinal);
        var update = new UpdateTableRequest
        {
            TableName = tableName,
            AttributeDefinitions = [.. (request.AttributeDefinitions ?? []).Where(a => keyNames.Contains(a.AttributeName))],
            GlobalSecondaryIndexUpdates =
            [
                new GlobalSecondaryIndexUpdate
                {
                    Create = new CreateGlobalSecondaryIndexAction
                    {
                        IndexName = index.IndexName,
                        KeySchema = index.KeySchema,
                        Projection = index.Projection,
                        ProvisionedThroughput = index.ProvisionedThroughput,
                    },
                },
            ],
        };
        UpdateTableResponse response;
        try
        {
            response = await client.UpdateTableAsync(update, cancellationToken);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "ValidationException" && ex.Message.Contains("provisionedThroughput", StringComparison.OrdinalIgnoreCase)
            && index.ProvisionedThroughput is null)
        {
            // DynamoDB takes no throughput for an index of an on-demand table; dynalite insists on one. Reported, not guessed.
            report(new ProvisioningAction(tableName, ProvisioningActionKind.Warning,
                $"GSI {index.IndexName} is missing and this endpoint refused to add it to an on-demand table ({ex.Message})"));
            return;
        }

        // DynamoDB answers with the index already listed (CREATING); an endpoint that accepts the call but lists no
        // such index will never build it (dynalite): say so rather than wait forever.
        if (!(response.TableDescription?.GlobalSecondaryIndexes ?? []).Any(g => g.IndexName == index.IndexName))
        {
            report(new ProvisioningAction(tableName, ProvisioningActionKind.Warning,
                $"GSI {index.IndexName} is missing and this endpoint did not start building it (adding an index to an existing table is not supported here)"));
            return;
        }

        await WaitAsync(tableName, index.IndexName, cancellationToken);
        report(new ProvisioningAction(tableName, ProvisioningActionKind.AddedIndex, index.IndexName));
    }

    private async Task EnsureTimeToLiveAsync(IDynamoDbTableSpec spec, Action<ProvisioningAction> report, CancellationToken cancellationToken)
    {
        if (spec.TimeToLiveAttribute is not { } attribute)
        {
            return;
        }

        try
        {
            var current = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = spec.TableName }, cancellationToken);
            var description = current.TimeToLiveDescription;
            if ((description?.TimeToLiveStatus == TimeToLiveStatus.ENABLED || description?.TimeToLiveStatus == TimeToLiveStatus.ENABLING)
                && description.AttributeName == attribute)
            {
                return;
            }

            await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = spec.TableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
            }, cancellationToken);
            report(new ProvisioningAction(spec.TableName, ProvisioningActionKind.EnabledTimeToLive, $"on '{attribute}'"));
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode is "UnknownOperationException")
        {
            // dynalite has no UpdateTimeToLive: the reads' ttl > now filter keeps expired rows hidden; AWS itself supports it.
            report(new ProvisioningAction(spec.TableName, ProvisioningActionKind.Warning,
                $"TTL on '{attribute}' not enabled: this endpoint does not support UpdateTimeToLive ({ex.ErrorCode})"));
        }
    }

    private async Task<TableDescription?> DescribeAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Polls until the table (and <paramref name="index"/>, when given) is ACTIVE, or the timeout passes.</summary>
    private async Task<TableDescription> WaitAsync(string table, string? index, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _timings.Timeout;
        while (true)
        {
            var description = await DescribeAsync(table, cancellationToken);
            var tableActive = description?.TableStatus == TableStatus.ACTIVE;
            var indexActive = index is null || (description?.GlobalSecondaryIndexes ?? []).Any(g => g.IndexName == index && g.IndexStatus == IndexStatus.ACTIVE);
            var indexesActive = (description?.GlobalSecondaryIndexes ?? []).All(g => g.IndexStatus == IndexStatus.ACTIVE);
            if (description is not null && tableActive && indexActive && indexesActive)
            {
                return description;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Table '{table}'{(index is null ? string.Empty : $" index '{index}'")} is not ACTIVE after {_timings.Timeout}.");
            }

            // Wall-clock polling of a remote service (not business time).
            await Task.Delay(_timings.PollInterval, cancellationToken);
        }
    }

    private static IEnumerable<IDynamoDbTableSpec> Distinct(IEnumerable<IDynamoDbTableSpec> specs) =>
        specs.GroupBy(s => s.TableName, StringComparer.Ordinal).Select(g => g.First()).OrderBy(s => s.TableName, StringComparer.Ordinal);
}

/// <summary>How often and how long provisioning polls DescribeTable while a table or an index is being built.</summary>
public sealed record ProvisioningTimings
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Backfilling a GSI on a large table takes long; 30 minutes by default.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}
