using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

/// <summary>Reading and writing attribute values of the sync table (the SDK leaves absent collections and numbers null).</summary>
internal static class SyncAttributes
{
    /// <summary>The filter every read applies: an item with a <c>ttl</c> in the past is absent, whether or not DynamoDB deleted it yet.</summary>
    public const string LiveFilter = "(attribute_not_exists(#ttl) OR #ttl >= :now)";

    public static AttributeValue Str(string value) => new() { S = value };

    public static AttributeValue Num(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Bin(byte[] value) => new() { B = new MemoryStream(value, writable: false) };

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        [DynamoDbSyncTable.Pk] = Str(pk),
        [DynamoDbSyncTable.Sk] = Str(sk),
    };

    public static long EpochSeconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    /// <summary>Whether the item is live at <paramref name="now"/>: no <c>ttl</c>, or one not yet passed (DynamoDB's own definition of expired is <c>ttl &lt; now</c>).</summary>
    public static bool IsLive(Dictionary<string, AttributeValue>? item, DateTimeOffset now) =>
        item is { Count: > 0 } && (OptionalLong(item, DynamoDbSyncTable.Ttl) is not { } ttl || ttl >= EpochSeconds(now));

    public static string String(Dictionary<string, AttributeValue> item, string name) =>
        OptionalString(item, name) ?? throw new InvalidDataException($"Attribute '{name}' is missing from item {Describe(item)}.");

    public static string? OptionalString(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is not null ? value.S : null;

    public static long Long(Dictionary<string, AttributeValue> item, string name) =>
        OptionalLong(item, name) ?? throw new InvalidDataException($"Attribute '{name}' is missing from item {Describe(item)}.");

    public static long? OptionalLong(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is not null ? long.Parse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public static byte[]? OptionalBytes(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.B is not null ? value.B.ToArray() : null;

    public static DateTimeOffset Timestamp(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.Parse(String(item, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A fixed-width decimal, so numbers sort as strings in a sort key.</summary>
    public static string Sortable(long value) => value.ToString("D19", CultureInfo.InvariantCulture);

    private static string Describe(Dictionary<string, AttributeValue> item) =>
        $"{OptionalString(item, DynamoDbSyncTable.Pk)}/{OptionalString(item, DynamoDbSyncTable.Sk)}";
}
