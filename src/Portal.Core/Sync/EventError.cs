namespace Portal.Core.Sync;

/// <summary>Why an event (or a batch) was rejected: <paramref name="Path"/> names the field (<c>detail.soldPrice</c>, <c>$</c> for the whole document).</summary>
public sealed record EventError(string Path, string Message)
{
    public const string Document = "$";

    public override string ToString() => $"{Path}: {Message}";
}
