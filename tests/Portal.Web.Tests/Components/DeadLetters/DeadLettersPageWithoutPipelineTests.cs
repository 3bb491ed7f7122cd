using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Core.Sync.Redrive;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Web.Components.Pages.DeadLetters;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components.DeadLetters;

/// <summary>A process without the sync pipeline (no <see cref="IEventSubmitter"/>): letters are listed and can be discarded, not redriven.</summary>
public sealed class DeadLettersPageWithoutPipelineTests : PortalComponentTestBase, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-dead-letter-page-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDeadLetterStore _store;

    public DeadLettersPageWithoutPipelineTests()
    {
        Directory.CreateDirectory(_folder);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 16, 0, 0, TimeSpan.Zero));
        _store = new SqliteDeadLetterStore(Path.Combine(_folder, "sales.db"), time);
        Services.AddSingleton<IDeadLetterStore>(_store);
        Services.AddSingleton(sp => new DeadLetterRedriver(sp.GetRequiredService<IDeadLetterStore>(), NullLogger<DeadLetterRedriver>.Instance));
        Authorization.SetAuthorized("ops@example.test");
        Authorization.SetRoles(PortalRoles.Ops);
        Authorization.SetClaims(new System.Security.Claims.Claim(PortalClaims.Tenant, TenantValue));
    }

    [Fact]
    public async Task ListsLettersButOffersNoRedrive()
    {
        await _store.AddAsync(new NewDeadLetter
        {
            Tenant = new TenantId(TenantValue),
            EventId = "e-1",
            Category = DeadLetterCategory.Schema,
            Reason = "bad",
            Payload = "{}",
            Transport = EventSubmissionOrigin.Http,
            FailedAt = DateTimeOffset.UnixEpoch,
        }, CancellationToken.None);

        var cut = Render<DeadLettersPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=event-id]")));
        Assert.NotNull(cut.Find("[data-testid=redrive-unavailable]"));
        Assert.Empty(cut.FindAll("[data-testid=redrive], [data-testid=redrive-selected]"));
        Assert.Single(cut.FindAll("[data-testid=discard]"));
    }

    public new void Dispose()
    {
        _store.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        base.Dispose();
    }
}
