using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Components;

/// <summary>
/// Base for component tests: loose JS interop, MudBlazor services, asynchronous disposal (MudBlazor's services are only
/// IAsyncDisposable) and the portal's real authorization policies evaluated against a test user.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>Signs a test user in with these roles and (unless null) tenant; policies are the portal's own.</summary>
    protected BunitAuthorizationContext SignIn(string? tenant, params string[] roles)
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized($"{string.Join("-", roles).ToLowerInvariant()}@example.com");
        authorization.SetRoles(roles);
        if (tenant is not null)
        {
            authorization.SetClaims(new Claim(PortalClaims.Tenant, tenant), new Claim("name", "Test User"));
        }

        // Replace bunit's policy doubles with the real evaluation of the portal's policies.
        Services.AddPortalPolicies();
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        return authorization;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
