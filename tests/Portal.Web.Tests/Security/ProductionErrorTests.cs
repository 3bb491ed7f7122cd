using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Web.Tests.Security;

/// <summary>
/// An unhandled exception in Production: 500 with the trace id, as an HTML page for pages and as a problem detail for the API.
/// The exception comes from a throwing step the test host adds after the portal's own pipeline (no such route in production).
/// </summary>
public sealed class ProductionErrorTests : IAsyncLifetime
{
    private readonly ConfiguredPortalFactory _production = new("Production", ConfiguredPortalFactory.DummyAzureAd);
    private readonly ThrowingStep _throwing = new();
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = _production.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(_throwing)));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _production.DisposeAsync();
    }

    [Fact]
    public async Task AnExceptionUnderTheApiIsA500ProblemDetailWithTheTraceId()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/api/test-only/throw");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.Equal(_throwing.LastTraceId, problem.GetProperty("traceId").GetString());
        Assert.DoesNotContain(ThrowingStep.Message, problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExceptionUnderAPageIsA500ErrorPageWithTheTraceId()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/test-only/throw");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains(_throwing.LastTraceId!, html, StringComparison.Ordinal);
        Assert.DoesNotContain(ThrowingStep.Message, html, StringComparison.Ordinal);
    }

    /// <summary>Appended after the portal's pipeline: requests no endpoint matched under <c>/test-only</c> throw.</summary>
    private sealed class ThrowingStep : IStartupFilter
    {
        public const string Message = "secret detail of a test failure";

        public string? LastTraceId { get; private set; }

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate after) =>
            {
                if (context.Request.Path.Value?.EndsWith("/test-only/throw", StringComparison.Ordinal) == true)
                {
                    LastTraceId = Activity.Current?.Id ?? context.TraceIdentifier;
                    throw new InvalidOperationException(Message);
                }

                return after(context);
            });
        };
    }
}
