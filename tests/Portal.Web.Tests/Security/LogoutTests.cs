using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Security;

/// <summary>Signing out is a POST with the antiforgery token (a link or a cross-site form cannot sign anyone out).</summary>
public sealed partial class LogoutTests : IAsyncLifetime
{
    private readonly ConfiguredPortalFactory _factory = new("Development", new Dictionary<string, string?>());

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ALogoutLinkNoLongerSignsOut()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}=ops@example.com");

        using var response = await client.GetAsync(PortalAuthentication.LogoutPath);

        Assert.True(response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(DevelopmentAuthenticationHandler.CookieName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALogoutPostWithoutTheAntiforgeryTokenIsRefused()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}=ops@example.com");

        using var response = await client.PostAsync(PortalAuthentication.LogoutPath, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(DevelopmentAuthenticationHandler.CookieName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSignOutFormOfThePageSignsOut()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var html = await client.GetStringAsync(PortalAuthentication.NoTenantPath);
        var form = SignOutForm().Match(html);
        Assert.True(form.Success, "no sign-out form on the page");
        var token = TokenInput().Match(form.Value).Groups[1].Value;

        using var response = await client.PostAsync(PortalAuthentication.LogoutPath,
            new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DevelopmentAuthenticationHandler.CookieName + "=;", StringComparison.Ordinal));
    }

    [GeneratedRegex("<form[^>]*action=\"/account/logout\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex SignOutForm();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
