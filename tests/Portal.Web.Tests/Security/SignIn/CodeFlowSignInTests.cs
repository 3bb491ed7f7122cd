using System.Net;
using System.Text.RegularExpressions;
using static Portal.Web.Tests.Security.SignIn.ProductionSignInHost;

namespace Portal.Web.Tests.Security.SignIn;

/// <summary>
/// The portal's OpenID Connect code flow against the loopback provider, end to end over HTTP: a page sends the visitor to
/// the provider, the code comes back (form_post), the portal redeems it, validates the ID token (signature, issuer per
/// tenant, audience, nonce) and sets its cookie; pages then open by role and tenant; sign-out ends both sessions.
/// </summary>
[Collection(ProductionSignInCollection.Name)]
public sealed partial class CodeFlowSignInTests(ProductionSignInHost host)
{
    [Fact]
    public async Task AnAnalystSignsInAtTheProviderAndLandsOnThePageAskedForWithTheirTenantAndName()
    {
        var cookies = new CookieContainer();
        using var browser = host.CreateBrowser(cookies);

        var visit = await host.GetAsync(browser, "price", Person(DemoDirectory, "Ada Analyst", "Analyst"));

        Assert.Equal(HttpStatusCode.OK, visit.Response.StatusCode);
        Assert.Equal("/price", visit.Final.AbsolutePath);
        Assert.Equal(["/price", "/account/login"], visit.Visited.Take(2).Select(u => u.AbsolutePath));
        var authorize = Assert.Single(visit.Visited, u => u.Port == host.Provider.Origin.Port);
        Assert.Equal("/organizations/oauth2/v2.0/authorize", authorize.AbsolutePath);
        Assert.Contains("client_id=" + ClientId, authorize.Query, StringComparison.Ordinal);
        Assert.Contains("code_challenge=", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("nonce=", authorize.Query, StringComparison.Ordinal);
        Assert.Contains(visit.Visited, u => u.AbsolutePath == "/signin-oidc" && u.Port == host.BaseAddress.Port);
        Assert.Equal("demo", Chip(visit.Body, "tenant"));
        Assert.Equal("Ada Analyst", Chip(visit.Body, "user"));

        var session = Assert.Single(cookies.GetAllCookies(), c => c.Name == ".AspNetCore.Cookies");
        Assert.True(session.Secure, "the session cookie is Secure");
        Assert.True(session.HttpOnly, "the session cookie is HttpOnly");
    }

    [Theory]
    [InlineData("Analyst", "price", true)]
    [InlineData("Analyst", "sales", true)]
    [InlineData("Analyst", "trends", false)]
    [InlineData("Analyst", "ops/sync", false)]
    [InlineData("Manager", "price", true)]
    [InlineData("Manager", "trends", true)]
    [InlineData("Manager", "ops/sync", false)]
    [InlineData("Ops", "price", false)]
    [InlineData("Ops", "history", false)]
    [InlineData("Ops", "sales", true)]
    [InlineData("Ops", "trends", false)]
    [InlineData("Ops", "ops/sync", true)]
    [InlineData("Admin", "price", true)]
    [InlineData("Admin", "trends", true)]
    [InlineData("Admin", "ops/sync", true)]
    public async Task PagesOpenByTheAppRoleInTheIdToken(string role, string page, bool opens)
    {
        using var browser = host.CreateBrowser();

        var visit = await host.GetAsync(browser, page, Person(DemoDirectory, $"A {role}", role));

        Assert.Equal(HttpStatusCode.OK, visit.Response.StatusCode);
        Assert.Equal(opens ? "/" + page : "/account/access-denied", visit.Final.AbsolutePath);
        if (!opens)
        {
            Assert.Contains("Access denied", visit.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OnceSignedInTheCookieCarriesTheSessionWithoutAnotherTripToTheProvider()
    {
        using var browser = host.CreateBrowser();
        await host.GetAsync(browser, "sales", Person(DemoDirectory, "Olga Ops", "Ops"));

        var again = await host.GetAsync(browser, "ops/sync");
        var denied = await host.GetAsync(browser, "price");

        Assert.Equal(["/ops/sync"], again.Visited.Select(u => u.AbsolutePath));
        Assert.Equal(HttpStatusCode.OK, again.Response.StatusCode);
        Assert.Equal("/account/access-denied", denied.Final.AbsolutePath);
        Assert.DoesNotContain(denied.Visited, u => u.Port == host.Provider.Origin.Port);
    }

    [Fact]
    public async Task TheTenantComesFromTheDirectoryThroughTheTenancyMapNotFromAClaimInTheToken()
    {
        using var browser = host.CreateBrowser();
        var person = Person(OtherDirectory, "Otto Other", "Analyst");
        person["portal:tenant"] = "demo";

        var visit = await host.GetAsync(browser, "price", person);

        Assert.Equal("/price", visit.Final.AbsolutePath);
        Assert.Equal("other", Chip(visit.Body, "tenant"));
    }

    [Fact]
    public async Task AUserOfAnUnmappedDirectoryIsSignedInButToldTheyHaveNoTenant()
    {
        using var browser = host.CreateBrowser();

        var visit = await host.GetAsync(browser, "price", Person(UnmappedDirectory, "Una Unmapped", "Analyst", "Admin"));

        Assert.Equal(HttpStatusCode.OK, visit.Response.StatusCode);
        Assert.Equal("/account/no-tenant", visit.Final.AbsolutePath);
        Assert.Contains("not linked to a tenant", visit.Body, StringComparison.Ordinal);
        Assert.Equal("no tenant", Chip(visit.Body, "tenant"));
    }

    [Fact]
    public async Task AnIdTokenThePortalCannotValidateEndsOnTheAccessDeniedPageNotAServerError()
    {
        var cookies = new CookieContainer();
        using var browser = host.CreateBrowser(cookies);
        var person = Person(DemoDirectory, "Nina Notid", "Analyst");
        person["tid"] = null;

        var visit = await host.GetAsync(browser, "price", person);

        Assert.Equal(HttpStatusCode.OK, visit.Response.StatusCode);
        Assert.Equal("/account/access-denied", visit.Final.AbsolutePath);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == ".AspNetCore.Cookies");
        var again = await host.GetAsync(browser, "price");
        Assert.Equal("/account/login", again.Visited[1].AbsolutePath);
    }

    [Fact]
    public async Task SigningOutEndsThePortalSessionAndTheProviderSession()
    {
        var cookies = new CookieContainer();
        using var browser = host.CreateBrowser(cookies);
        var page = await host.GetAsync(browser, "price", Person(DemoDirectory, "Sam Signout", "Analyst"));
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == ".AspNetCore.Cookies");

        // Signing out is a POST carrying the antiforgery token of the page's sign-out form, as a browser sends it.
        var form = SignOutForm().Match(page.Body);
        Assert.True(form.Success, "no sign-out form on the signed-in page");
        var token = WebUtility.HtmlDecode(TokenInput().Match(form.Value).Groups[1].Value);
        var signOut = await host.FollowAsync(browser, new HttpRequestMessage(HttpMethod.Post, new Uri("account/logout", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        });

        var logout = Assert.Single(signOut.Visited, u => u.AbsolutePath.EndsWith("/oauth2/v2.0/logout", StringComparison.Ordinal));
        Assert.Contains("post_logout_redirect_uri=" + Uri.EscapeDataString(new Uri(host.BaseAddress, "signout-callback-oidc").ToString()), logout.Query, StringComparison.Ordinal);
        Assert.Contains(signOut.Visited, u => u.AbsolutePath == "/signout-callback-oidc" && u.Port == host.BaseAddress.Port);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == ".AspNetCore.Cookies" && !c.Expired);

        var after = await host.GetAsync(browser, "price");
        Assert.Equal(["/price", "/account/login"], after.Visited.Take(2).Select(u => u.AbsolutePath));
        Assert.EndsWith("/oauth2/v2.0/authorize", after.Final.AbsolutePath, StringComparison.Ordinal);
    }

    /// <summary>The text of the app bar's chip marked <c>data-testid</c> (the tenant, the user's name).</summary>
    private static string? Chip(string html, string testId)
    {
        var match = Regex.Match(html, $"data-testid=\"{testId}\"[^>]*>(.*?)</(?:span|p|div)>", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(Regex.Replace(match.Groups[1].Value, "<[^>]+>", string.Empty)).Trim() : null;
    }

    [GeneratedRegex("<form[^>]*action=\"/account/logout\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex SignOutForm();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
