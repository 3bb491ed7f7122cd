using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Validation;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Aws.Athena;

/// <summary>
/// The validation's view of the lake through Athena: per-partition counts and a partition's sale ids. The table projects
/// <c>tenant_id</c> as an injected partition key, so Athena only answers queries that name their tenants: the counts are asked
/// for the tenants <paramref name="tenants"/> lists (the store's), in batches of <see cref="TenantsPerQuery"/>, as parameters.
/// </summary>
public sealed class AthenaValidationLakeReader(
    AthenaClient client, IOptions<AthenaOptions> options, Func<CancellationToken, Task<IReadOnlyList<TenantId>>> tenants) : IValidationLakeReader
{
    public const int TenantsPerQuery = 50;

    public async Task<IReadOnlyList<LakePartitionCount>> CountPartitionsAsync(DateTimeOffset liveFrom, CancellationToken cancellationToken)
    {
        var known = (await tenants(cancellationToken)).Where(t => t.Value is not null).Select(t => t.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var counts = new List<LakePartitionCount>();
        foreach (var batch in known.Chunk(TenantsPerQuery))
        {
            var placeholders = string.Join(", ", Enumerable.Repeat("?", batch.Length));
            var sql = new StringBuilder()
                .Append("SELECT tenant_id, CAST(year AS INTEGER) AS year, CAST(month AS INTEGER) AS month, COUNT(*) AS row_count, COUNT(DISTINCT sale_id) AS distinct_sales\n")
                .Append("FROM ").Append(Source).Append('\n')
                .Append("WHERE tenant_id IN (").Append(placeholders).Append(") AND sold_date >= ?\n")
                .Append("GROUP BY tenant_id, year, month")
                .ToString();
            object?[] parameters = [.. batch, DateTime.SpecifyKind(liveFrom.UtcDateTime, DateTimeKind.Unspecified)];
            var result = await client.ExecuteAsync(sql, parameters, cancellationToken);
            foreach (var row in result.Rows)
            {
                if (TenantId.TryParse(row.GetString(0), out var tenant))
                {
                    counts.Add(new LakePartitionCount(new SalesPartition(tenant, row.GetInt32(1), row.GetInt32(2)), row.GetInt64(3), row.GetInt64(4)));
                }
            }
        }

        return counts;
    }

    public async Task<HashSet<string>> SaleIdsAsync(SalesPartition partition, CancellationToken cancellationToken)
    {
        var sql = $"SELECT DISTINCT sale_id FROM {Source} WHERE tenant_id = ? AND year = ? AND month = ?";
        var result = await client.ExecuteAsync(sql, [new TenantId(partition.Tenant.Value).Value, partition.Year, partition.Month], cancellationToken);
        return result.Rows.Select(r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
    }

    private string Source => $"{SalesQueryDialect.QuoteIdentifier(options.Value.Database)}.{SalesQueryDialect.QuoteIdentifier(options.Value.Table)}";
}
