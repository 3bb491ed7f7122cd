using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components;

/// <summary>
/// The one base for component tests: loose JS interop, MudBlazor services, a signed-in Manager of tenant
/// <see cref="TenantValue"/>, and asynchronous disposal (MudBlazor's services are only <see cref="IAsyncDisposable"/>).
/// </summary>
public abstract class PortalComponentTestBase : BunitContext, IAsyncLifetime
{
    public const string TenantValue = "demo";

    protected PortalComponentTestBase()
    {
        // Panel queries run on the thread pool; on a busy 2-core machine a second is not always enough for them to land.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("manager@example.test");
        Authorization.SetRoles(PortalRoles.Manager);
        Authorization.SetClaims(new Claim(PortalClaims.Tenant, TenantValue));
    }

    protected BunitAuthorizationContext Authorization { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
