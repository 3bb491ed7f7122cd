namespace Portal.Web.Components.Pages.Trends;

/// <summary>What a dashboard panel shows, whatever its rows: loading, an error, nothing, or rows with the time the query took.</summary>
public class PanelState
{
    private int _rowCount;

    public bool IsLoading { get; private set; } = true;

    public string? Error { get; private set; }

    public double? ElapsedMs { get; private set; }

    public bool IsEmpty => !IsLoading && Error is null && _rowCount == 0;

    public void Fail(string error, double elapsedMs)
    {
        Error = error;
        ElapsedMs = elapsedMs;
        IsLoading = false;
    }

    protected void Completed(int rowCount, double elapsedMs)
    {
        _rowCount = rowCount;
        ElapsedMs = elapsedMs;
        IsLoading = false;
    }
}

/// <summary>One panel's query state with its rows. A new instance per load, so a slow, superseded load cannot overwrite a newer one.</summary>
public sealed class PanelState<T> : PanelState
{
    public IReadOnlyList<T> Rows { get; private set; } = [];

    public void Complete(IReadOnlyList<T> rows, double elapsedMs)
    {
        Rows = rows;
        Completed(rows.Count, elapsedMs);
    }
}
