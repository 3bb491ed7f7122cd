using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Portal.Web.Identity;

/// <summary><c>/account/login</c>, <c>/account/logout</c> (POST with antiforgery) and, in Development, <c>/account/dev-login/switch</c>.</summary>
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

        // POST with the antiforgery token of the sign-out form only: a link or another site's form cannot sign anyone out.
        // Validated here rather than by the middleware, which only checks endpoints that bind a form.
        account.MapPost("/logout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Sign-out refused",
                    detail: "Sign out with the portal's sign-out button: the request carries no valid antiforgery token.");
            }

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

    /// <summary>
    /// Only a local path is followed after sign-in (no open redirect): it starts with one <c>/</c> not followed by another
    /// <c>/</c>, and holds no backslash (browsers read <c>\</c> as <c>/</c>) and no control character (browsers drop tab,
    /// CR and LF, so <c>/&lt;TAB&gt;/host</c> becomes <c>//host</c>; CR and LF cannot be in a header at all). Anything else is <c>/</c>.
    /// </summary>
    internal static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl)
        && returnUrl[0] == '/'
        && (returnUrl.Length == 1 || returnUrl[1] != '/')
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";
}
