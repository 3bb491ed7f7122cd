using System.Globalization;
using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>What every batch store refuses before writing, and the stored names of statuses and money, shared by both faces.</summary>
public static class BatchStoreRules
{
    public static void RequireTenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }
    }

    public static void Validate(PricingBatch batch, IReadOnlyList<BatchRow> rows)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        RequireTenant(batch.Tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(batch.BatchId, nameof(batch.BatchId));
        ArgumentException.ThrowIfNullOrWhiteSpace(batch.CreatedBy, nameof(batch.CreatedBy));
        if (rows.Select(r => r.Line).Distinct().Count() != rows.Count)
        {
            throw new ArgumentException("Two rows share a line number.", nameof(rows));
        }
    }

    public static void Validate(BatchRowOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == BatchRowStatus.Pending || (outcome.Status == BatchRowStatus.Priced) != (outcome.Price is not null))
        {
            throw new ArgumentException("An outcome is priced with a price, or not priced without one; never pending.", nameof(outcome));
        }
    }

    public static string StatusText(BatchStatus status) => status switch
    {
        BatchStatus.Queued => "queued",
        BatchStatus.Running => "running",
        _ => "completed",
    };

    public static BatchStatus ParseStatus(string text) => text switch
    {
        "queued" => BatchStatus.Queued,
        "running" => BatchStatus.Running,
        "completed" => BatchStatus.Completed,
        _ => throw new InvalidDataException($"Unknown batch status '{text}'."),
    };

    public static string RowStatusText(BatchRowStatus status) => BatchCsv.StatusName(status);

    public static BatchRowStatus ParseRowStatus(string text) => text switch
    {
        "pending" => BatchRowStatus.Pending,
        "priced" => BatchRowStatus.Priced,
        "cannot_price" => BatchRowStatus.CannotPrice,
        "invalid" => BatchRowStatus.Invalid,
        _ => throw new InvalidDataException($"Unknown batch row status '{text}'."),
    };

    public static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static decimal ParseMoney(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
