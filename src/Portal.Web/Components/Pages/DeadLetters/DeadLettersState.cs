using Portal.Core.Sync;
using Portal.Core.Sync.Redrive;

namespace Portal.Web.Components.Pages.DeadLetters;

/// <summary>
/// The dead-letters page between renders: the filters and page, the letters shown, the selection, the last redrive's
/// results and the last error; every action runs as <see cref="Actor"/>, whose scope bounds what is listed and resolved.
/// </summary>
public sealed class DeadLettersState(IDeadLetterStore store, DeadLetterRedriver redriver, DeadLetterActor actor)
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 25;

    private readonly HashSet<long> _selected = [];

    public DeadLetterActor Actor { get; } = actor;

    public bool CanRedrive => redriver.CanRedrive;

    public DeadLetterStatus? Status { get; private set; } = DeadLetterStatus.Pending;

    public DeadLetterCategory? Category { get; private set; }

    /// <summary>Null until the first load.</summary>
    public IReadOnlyList<DeadLetter>? Letters { get; private set; }

    public long Total { get; private set; }

    /// <summary>One-based.</summary>
    public int Page { get; private set; } = 1;

    public int PageCount => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);

    public IReadOnlySet<long> Selected => _selected;

    public IReadOnlyList<RedriveResult> Results { get; private set; } = [];

    public string? Error { get; private set; }

    public bool Busy { get; private set; }

    public bool AllPendingSelected => Pending.Any() && Pending.All(_selected.Contains);

    /// <summary>True when every redriven letter was taken this time (accepted, or a duplicate of what was).</summary>
    public bool AllRedrivenWell => Results.All(r => r.Status == RedriveStatus.Redriven && r.NewOutcome is EventOutcomeStatus.Accepted or EventOutcomeStatus.Duplicate);

    private IEnumerable<long> Pending => (Letters ?? []).Where(l => l.Status == DeadLetterStatus.Pending).Select(l => l.Id);

    /// <summary>Reads the current page; past the last page (letters resolved meanwhile) it shows the last one.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var scope = Actor.Scope(Status, Category, PageSize, (Page - 1) * PageSize);
        Total = await store.CountAsync(scope, cancellationToken);
        if (Page > PageCount)
        {
            Page = PageCount;
            scope = scope with { Offset = (Page - 1) * PageSize };
        }

        Letters = await store.ListAsync(scope, cancellationToken);
        _selected.IntersectWith(Pending);
    }

    public Task FilterStatusAsync(DeadLetterStatus? status, CancellationToken cancellationToken)
    {
        Status = status;
        Page = 1;
        return LoadAsync(cancellationToken);
    }

    public Task FilterCategoryAsync(DeadLetterCategory? category, CancellationToken cancellationToken)
    {
        Category = category;
        Page = 1;
        return LoadAsync(cancellationToken);
    }

    public Task GoToPageAsync(int page, CancellationToken cancellationToken)
    {
        Page = page;
        return LoadAsync(cancellationToken);
    }

    public void Toggle(long id, bool selected)
    {
        if (selected)
        {
            _selected.Add(id);
        }
        else
        {
            _selected.Remove(id);
        }
    }

    public void SelectAllPending(bool selected)
    {
        if (selected)
        {
            _selected.UnionWith(Pending);
        }
        else
        {
            _selected.Clear();
        }
    }

    public void DismissResults() => Results = [];

    /// <summary>Redrives these letters; ids outside the actor's scope come back as not found.</summary>
    public async Task RedriveAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        Busy = true;
        Error = null;
        try
        {
            Results = await redriver.RedriveManyAsync(ids, Actor, cancellationToken);
            _selected.ExceptWith(Results.Where(r => r.Status == RedriveStatus.Redriven).Select(r => r.LetterId));
            await LoadAsync(cancellationToken);
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Discards a letter; an id outside the actor's scope or an empty reason is refused with a message.</summary>
    public async Task DiscardAsync(long id, string reason, CancellationToken cancellationToken)
    {
        Error = null;
        Results = [];
        try
        {
            if (!await redriver.DiscardAsync(id, Actor, reason, cancellationToken))
            {
                Error = $"#{id} could not be discarded: it is not a pending dead letter in your scope.";
            }
        }
        catch (ArgumentException ex)
        {
            Error = ex.Message;
        }

        _selected.Remove(id);
        await LoadAsync(cancellationToken);
    }

    /// <summary>The letter as stored now, read within the scope (the row may be stale); the row itself when it is gone.</summary>
    public async Task<DeadLetter> CurrentAsync(DeadLetter letter, CancellationToken cancellationToken) =>
        await store.GetAsync(letter.Id, Actor.Scope(), cancellationToken) ?? letter;
}
