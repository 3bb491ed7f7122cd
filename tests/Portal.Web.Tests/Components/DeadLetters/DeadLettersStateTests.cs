using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Sync.Redrive;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Web.Components.Pages.DeadLetters;

namespace Portal.Web.Tests.Components.DeadLetters;

/// <summary>The dead-letters page's state without a renderer, on the real SQLite dead-letter store in a temporary folder.</summary>
public sealed class DeadLettersStateTests : IDisposable
{
    private static readonly TenantId Demo = new("demo");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-dead-letter-state-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 16, 0, 0, TimeSpan.Zero));
    private readonly SqliteDeadLetterStore _store;
    private readonly RecordingEventSubmitter _submitter = new();

    public DeadLettersStateTests()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteDeadLetterStore(Path.Combine(_folder, "sales.db"), _time);
    }

    private DeadLettersState State(bool withPipeline = true) => new(
        _store,
        withPipeline ? new DeadLetterRedriver(_store, NullLogger<DeadLetterRedriver>.Instance, _submitter) : new DeadLetterRedriver(_store, NullLogger<DeadLetterRedriver>.Instance),
        new DeadLetterActor("ops@example.test", Demo, IsPlatformAdmin: false));

    private async Task<long> AddAsync(string eventId, DeadLetterCategory category = DeadLetterCategory.Schema)
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return await _store.AddAsync(new NewDeadLetter
        {
            Tenant = Demo,
            EventId = eventId,
            DetailType = "product.sold",
            Category = category,
            Reason = "bad",
            Payload = $"{{\"version\":\"0\",\"id\":\"{eventId}\",\"detail-type\":\"product.sold\",\"detail\":{{\"tenantId\":\"demo\"}}}}",
            Transport = EventSubmissionOrigin.Http,
            Attempts = 1,
            FailedAt = _time.GetUtcNow(),
        }, CancellationToken.None);
    }

    [Fact]
    public async Task PagesFiltersAndFallsBackToTheLastPageWhenLettersGo()
    {
        for (var i = 0; i < DeadLettersState.PageSize + 2; i++)
        {
            await AddAsync($"e-{i:00}", i % 2 == 0 ? DeadLetterCategory.Schema : DeadLetterCategory.ImageUnavailable);
        }

        var state = State();
        await state.LoadAsync(CancellationToken.None);
        Assert.Equal((27L, 2, DeadLettersState.PageSize), (state.Total, state.PageCount, state.Letters!.Count));

        await state.GoToPageAsync(2, CancellationToken.None);
        Assert.Equal(["e-01", "e-00"], state.Letters!.Select(l => l.EventId));

        await state.FilterCategoryAsync(DeadLetterCategory.ImageUnavailable, CancellationToken.None);
        Assert.Equal((1, 13L), (state.Page, state.Total));

        await state.GoToPageAsync(5, CancellationToken.None);
        Assert.Equal(1, state.Page);
    }

    [Fact]
    public async Task SelectionKeepsOnlyPendingLettersShownAndRedrivenLettersLeaveIt()
    {
        var a = await AddAsync("e-a");
        var b = await AddAsync("e-b");
        var state = State();
        await state.LoadAsync(CancellationToken.None);

        state.SelectAllPending(true);
        Assert.True(state.AllPendingSelected);
        state.Toggle(a, false);
        Assert.False(state.AllPendingSelected);
        state.Toggle(999, true);
        await state.LoadAsync(CancellationToken.None);
        Assert.Equal([b], state.Selected);

        await state.RedriveAsync([.. state.Selected], CancellationToken.None);

        Assert.False(state.Busy);
        Assert.Empty(state.Selected);
        Assert.Equal([b], state.Results.Select(r => r.LetterId));
        Assert.Single(_submitter.Calls);
        Assert.Equal(["e-a"], state.Letters!.Select(l => l.EventId));
        state.DismissResults();
        Assert.Empty(state.Results);
    }

    [Fact]
    public async Task ADiscardOutsideTheScopeOrWithoutAReasonSaysWhyAndANewActionClearsIt()
    {
        var a = await AddAsync("e-a");
        var state = State(withPipeline: false);
        await state.LoadAsync(CancellationToken.None);
        Assert.False(state.CanRedrive);

        await state.DiscardAsync(a + 100, "gone", CancellationToken.None);
        Assert.Equal($"#{a + 100} could not be discarded: it is not a pending dead letter in your scope.", state.Error);

        await state.DiscardAsync(a, " ", CancellationToken.None);
        Assert.NotNull(state.Error);

        await state.DiscardAsync(a, "duplicate of a fixed event", CancellationToken.None);
        Assert.Null(state.Error);
        Assert.Empty(state.Letters!);
        await state.FilterStatusAsync(DeadLetterStatus.Discarded, CancellationToken.None);
        Assert.Equal(["e-a"], state.Letters!.Select(l => l.EventId));
    }

    public void Dispose()
    {
        _store.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
