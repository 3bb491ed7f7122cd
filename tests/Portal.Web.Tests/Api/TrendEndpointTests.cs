using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Web.Tests.Api;

/// <summary><c>GET /api/trends/monthly</c>: the Trends page's monthly query for the signed-in tenant only.</summary>
[Collection(PortalCollection.Name)]
public sealed class TrendEndpointTests(PortalFactory factory)
{
    [Fact]
    public async Task AnswersTheSignedInTenantsMonthlyRows()
    {
        using var client = factory.CreateClient();

        var rows = await client.GetFromJsonAsync<JsonElement>("/api/trends/monthly?from=2000-01-01");

        Assert.Equal(JsonValueKind.Array, rows.ValueKind);
        Assert.NotEqual(0, rows.GetArrayLength());
        Assert.All(rows.EnumerateArray(), row =>
        {
            Assert.InRange(row.GetProperty("month").GetInt32(), 1, 12);
            Assert.True(row.GetProperty("saleCount").GetInt64() > 0);
            Assert.False(string.IsNullOrEmpty(row.GetProperty("category").GetString()));
        });
    }

    [Fact]
    public async Task AnotherTenantSeesOnlyItsOwnRows()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "portal.dev-user=other.analyst@example.com");

        var rows = await client.GetFromJsonAsync<JsonElement>("/api/trends/monthly?from=2000-01-01");

        Assert.Equal(0, rows.GetArrayLength());
    }

    [Fact]
    public async Task ACategoryFilterNarrowsTheRows()
    {
        using var client = factory.CreateClient();

        var rows = await client.GetFromJsonAsync<JsonElement>("/api/trends/monthly?from=2000-01-01&category=shoes");

        Assert.All(rows.EnumerateArray(), row => Assert.Equal("shoes", row.GetProperty("category").GetString()));
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    public async Task AMalformedDateIsRefusedNamingTheField(string query, string field)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/trends/monthly?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task AnAnalystIsForbidden()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "portal.dev-user=analyst@example.com");

        using var response = await client.GetAsync("/api/trends/monthly");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
