using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Portal.Web.Identity;

/// <summary><c>/account/login</c>, <c>/account/logout</c> and, in Development, <c>/account/dev-login/switch</c>.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder endpoints)
    {
        var mode = endpoints.ServiceProvider.GetRequiredService<PortalSignIn>().Mode;
        var account = endpoints.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();

        account.MapGet("/login", (string? returnUrl) =>
        {
            var target = LocalOrRoot(returnUrl);
            return mode == PortalAuthenticationMode.Development
                ? Results.Redirect($"{PortalAuthentication.DevelopmentLoginPath}?returnUrl={Uri.EscapeDataString(target)}")
                : Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [OpenIdConnectDefaults.AuthenticationScheme]);
        });

        account.MapMethods("/logout", ["GET", "POST"], (HttpContext http) =>
        {
            if (mode == PortalAuthenticationMode.Development)
            {
                http.Response.Cookies.Delete(DevelopmentAuthenticationHandler.CookieName);
                return Results.Redirect("/");
            }

            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        }).DisableAntiforgery();

        if (mode == PortalAuthenticationMode.Development)
        {
            account.MapGet("/dev-login/switch", (string? user, string? returnUrl, HttpContext http, IOptions<DevelopmentIdentityOptions> identity) =>
            {
                var chosen = identity.Value.Users.FirstOrDefault(u => string.Equals(u.UserName, user, StringComparison.OrdinalIgnoreCase));
                if (chosen is null)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown development user",
                        detail: $"Configured users: {string.Join(", ", identity.Value.Users.Select(u => u.UserName))}.");
                }

                http.Response.Cookies.Append(DevelopmentAuthenticationHandler.CookieName, chosen.UserName,
                    new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Path = "/" });
                return Results.Redirect(LocalOrRoot(returnUrl));
            });
        }

        return endpoints;
    }

    /// <summary>Only a local path is followed after sign-in (no open redirect).</summary>
    internal static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl)
        && returnUrl[0] == '/'
        && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
        && !returnUrl.Contains("://", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
