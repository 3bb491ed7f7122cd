namespace Portal.Testing.Aws.Athena;

/// <summary>One query as the fake saw it: what was asked, how it was polled and how it ended.</summary>
public sealed class FakeAthenaQuery
{
    internal FakeAthenaQuery(string id, string token, string sql, IReadOnlyList<string> parameters, string? workGroup, string? database, string? catalog, string? outputLocation)
    {
        Id = id;
        ClientRequestToken = token;
        Sql = sql;
        ExecutionParameters = parameters;
        WorkGroup = workGroup;
        Database = database;
        Catalog = catalog;
        OutputLocation = outputLocation;
    }

    public string Id { get; }

    public string ClientRequestToken { get; }

    public string Sql { get; }

    /// <summary>The literals exactly as sent (<c>'acme'</c>, <c>TIMESTAMP '…'</c>, <c>NULL</c>…).</summary>
    public IReadOnlyList<string> ExecutionParameters { get; }

    public string? WorkGroup { get; }

    public string? Database { get; }

    public string? Catalog { get; }

    public string? OutputLocation { get; }

    public string State { get; internal set; } = "QUEUED";

    public string? StateChangeReason { get; internal set; }

    /// <summary>The state each <c>GetQueryExecution</c> answered, in order.</summary>
    public List<string> ReportedStates { get; } = [];

    /// <summary>The DuckDB SQL the query was translated into (set when it ran).</summary>
    public string? TranslatedSql { get; internal set; }

    internal IReadOnlyList<(string Name, string Type)> Columns { get; set; } = [];

    internal IReadOnlyList<string?[]> Rows { get; set; } = [];
}
