namespace Portal.Web.Components.Pages.Trends;

/// <summary>What a dashboard panel shows: loading, an error, nothing, or its rows with the time the query took.</summary>
public interface IPanelState
{
    bool IsLoading { get; }
    string? Error { get; }
    bool IsEmpty { get; }
    double? ElapsedMs { get; }
}

/// <summary>One panel's query state. A new instance per load, so a slow, superseded load cannot overwrite a newer one.</summary>
public sealed class PanelState<T> : IPanelState
{
    public bool IsLoading { get; private set; } = true;

    public string? Error { get; private set; }

    public double? ElapsedMs { get; private set; }

    public IReadOnlyList<T> Rows { get; private set; } = [];

    public bool IsEmpty => !IsLoading && Error is null && Rows.Count == 0;

    public void Complete(IReadOnlyList<T> rows, double elapsedMs)
    {
        Rows = rows;
        ElapsedMs = elapsedMs;
        IsLoading = false;
    }

    public void Fail(string error, double elapsedMs)
    {
        Error = error;
        ElapsedMs = elapsedMs;
        IsLoading = false;
    }
}
