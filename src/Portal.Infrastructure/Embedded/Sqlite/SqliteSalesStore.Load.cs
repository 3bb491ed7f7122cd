using System.Runtime.CompilerServices;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The parallel index load: the live sales' rowid span cut into equal ranges, each read on its own connection (WAL lets
/// readers run side by side) in rowid order, the table's own order, so no range sorts anything.
/// </summary>
public sealed partial class SqliteSalesStore
{
    /// <summary><see cref="SalesWithPhotosSql"/> over one rowid range of every tenant's sales.</summary>
    private static readonly string LoadSegmentSql =
        $"SELECT {string.Join(", ", SelectColumns.Split(", ").Select(c => "s." + c))}, i.ordinal, i.embedding, i.embedding_model, i.embedding_dim " +
        "FROM sales s LEFT JOIN sale_images i ON i.tenant_id = s.tenant_id AND i.sale_id = s.sale_id " +
        "WHERE s.rowid >= $from AND s.rowid <= $to AND s.ttl > $now ORDER BY s.rowid, i.ordinal;";

    public async Task<SalesLoadPlan> PlanLoadAsync(int segments, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One pass over the ttl index, which holds the rowids: the count for the progress, the span for the ranges.
        command.CommandText = "SELECT COUNT(*), MIN(rowid), MAX(rowid) FROM sales WHERE ttl > $now;";
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = reader.GetInt64(0);
        if (count == 0)
        {
            return new SalesLoadPlan([], 0);
        }

        var (first, last) = (reader.GetInt64(1), reader.GetInt64(2));
        var parts = (int)Math.Min(segments, count);
        var width = (last - first + 1) / (double)parts;
        var plan = new SalesLoadSegment[parts];
        for (var i = 0; i < parts; i++)
        {
            // The outer ranges are open: a row written after the plan lands in one of them at most (the feed brings it anyway).
            var from = i == 0 ? long.MinValue : first + (long)(i * width);
            var to = i == parts - 1 ? long.MaxValue : first + (long)((i + 1) * width) - 1;
            plan[i] = new SalesLoadSegment(i, parts, from, to);
        }

        return new SalesLoadPlan(plan, count);
    }

    public async IAsyncEnumerable<SaleWithPhotos> StreamLoadSegmentAsync(
        SalesLoadSegment segment, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = LoadSegmentSql;
        command.Parameters.AddWithValue("$from", segment.From);
        command.Parameters.AddWithValue("$to", segment.To);
        command.Parameters.AddWithValue("$now", NowSeconds());
        await foreach (var sale in ReadSalesWithPhotosAsync(command, cancellationToken))
        {
            yield return sale;
        }
    }
}
