using Microsoft.Data.Sqlite;
using Portal.Core.Pricing.Calibration;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// Range calibrations in the sales file, one row per tenant and currency, so every process on the data directory prices with
/// the ranges the job host fitted last.
/// </summary>
public sealed partial class SqliteSalesStore : IRangeCalibrationStore
{
    private static readonly string[] CalibrationsMigration =
    [
        """
        CREATE TABLE range_calibrations (
            tenant_id        TEXT    NOT NULL,
            currency         TEXT    NOT NULL,
            calibrated_at_ms INTEGER NOT NULL,
            calibration      TEXT    NOT NULL,
            PRIMARY KEY (tenant_id, currency)
        );
        """,
    ];

    public async Task<bool> SaveCalibrationAsync(StoredRangeCalibration calibration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        RequireTenant(calibration.Tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(calibration.Currency);
        ArgumentNullException.ThrowIfNull(calibration.Calibration);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // An older fit (a slow host finishing late) never replaces a newer one.
        command.CommandText =
            "INSERT INTO range_calibrations (tenant_id, currency, calibrated_at_ms, calibration) VALUES ($tenant, $currency, $at, $calibration) " +
            "ON CONFLICT (tenant_id, currency) DO UPDATE SET calibrated_at_ms = excluded.calibrated_at_ms, calibration = excluded.calibration " +
            "WHERE excluded.calibrated_at_ms >= range_calibrations.calibrated_at_ms;";
        command.Parameters.AddWithValue("$tenant", calibration.Tenant.Value);
        command.Parameters.AddWithValue("$currency", calibration.Currency);
        command.Parameters.AddWithValue("$at", calibration.CalibratedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$calibration", RangeCalibrationJson.Write(calibration.Calibration));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<StoredRangeCalibration>> GetCalibrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id, currency, calibrated_at_ms, calibration FROM range_calibrations ORDER BY tenant_id, currency;";
        var calibrations = new List<StoredRangeCalibration>();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            calibrations.Add(new StoredRangeCalibration(
                new TenantId(reader.GetString(0)),
                reader.GetString(1),
                RangeCalibrationJson.Read(reader.GetString(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return calibrations;
    }
}
