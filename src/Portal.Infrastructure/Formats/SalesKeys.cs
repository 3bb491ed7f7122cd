using System.Globalization;

namespace Portal.Infrastructure.Formats;

/// <summary>The seed's DynamoDB logical keys (base table and GSI-1/2/3), shared by every store that mirrors them.</summary>
internal static class SalesKeys
{
    /// <summary>Fixed-width ISO-8601 UTC (<c>2025-03-01T12:00:00.0000000Z</c>), so keys sort by time as text.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static string Pk(TenantId tenant, string productId) => $"TENANT#{tenant.Value}#PRODUCT#{productId}";

    public static string Sk(DateTimeOffset soldAt, string saleId) => $"SALE#{Timestamp(soldAt)}#{saleId}";

    public static string Gsi1Pk(TenantId tenant, string category, string season) => $"TENANT#{tenant.Value}#CATEGORY#{category}#SEASON#{season}";

    /// <summary>Price zero-padded to 12 integer digits and 2 decimals (<c>000000012345.67</c>) so it sorts as text.</summary>
    public static string Gsi1Sk(decimal price, DateTimeOffset soldAt) =>
        $"SALEPRICE#{price.ToString("000000000000.00", CultureInfo.InvariantCulture)}#DATE#{Timestamp(soldAt)}";

    public static string Gsi2Pk(TenantId tenant) => $"TENANT#{tenant.Value}#EMBEDDING_ACTIVE";

    public static string DateSk(DateTimeOffset soldAt) => $"DATE#{Timestamp(soldAt)}";

    public static string Gsi3Pk(TenantId tenant, string brand) => $"TENANT#{tenant.Value}#BRAND#{brand}";
}
