using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Web.Identity;

namespace Portal.Web.Tests.Security;

/// <summary>
/// <c>returnUrl</c> after sign-in through the host: every trick that a browser would follow off-site (or that cannot be a
/// header at all) falls back to <c>/</c>; a plain local path is kept.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class OpenRedirectTests(PortalFactory factory)
{
    /// <summary>Query values as sent on the wire (already percent-encoded where a browser would encode them).</summary>
    public static TheoryData<string, string> Tricks => new()
    {
        { "tab", "%2F%09%2Fevil.example" },
        { "newline", "%2F%0A%2Fevil.example" },
        { "carriage return", "%2F%0D%2Fevil.example" },
        { "NUL", "%2F%00%2Fevil.example" },
        { "tab after a local path", "%2Fsales%09" },
        { "two backslashes", "%5C%5Cevil.example" },
        { "slash backslash", "%2F%5Cevil.example" },
        { "backslash later in the path", "%2Fsales%5C..%5C..%5Cevil.example" },
        { "two slashes", "%2F%2Fevil.example" },
        { "two slashes unencoded", "//evil.example" },
        { "absolute URL", "https%3A%2F%2Fevil.example%2F" },
        { "double-encoded two slashes", "%252F%252Fevil.example" },
        { "javascript URL", "javascript%3Aalert(1)" },
        { "relative without a slash", "evil.example" },
    };

    private HttpClient Client() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task TheSignInSwitchFallsBackToTheRootForEveryTrick(string trick, string returnUrl)
    {
        using var client = Client();

        using var response = await client.GetAsync($"/account/dev-login/switch?user=analyst%40example.com&returnUrl={returnUrl}");

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{trick}: {(int)response.StatusCode}");
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task TheLoginEndpointPassesOnlyTheRootForEveryTrick(string trick, string returnUrl)
    {
        using var client = Client();

        using var response = await client.GetAsync($"/account/login?returnUrl={returnUrl}");

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{trick}: {(int)response.StatusCode}");
        Assert.Equal($"{PortalAuthentication.DevelopmentLoginPath}?returnUrl=%2F", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ALocalPathWithItsQueryIsKept()
    {
        using var client = Client();

        using var response = await client.GetAsync("/account/dev-login/switch?user=analyst%40example.com&returnUrl=%2Fsales%3Fcategory%3Dshoes");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sales?category=shoes", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r/evil.example")]
    [InlineData("/\u0085/evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("/sales\\..\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData(" /sales")]
    public void LocalOrRootRefusesEveryTrick(string returnUrl) =>
        Assert.Equal("/", AccountEndpoints.LocalOrRoot(returnUrl));
}
