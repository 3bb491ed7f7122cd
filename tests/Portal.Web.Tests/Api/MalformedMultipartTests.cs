using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Tests.Security;

namespace Portal.Web.Tests.Api;

/// <summary>
/// Malformed multipart bodies sent to the pricing API over real HTTP (Kestrel on a loopback port): each is a 400 problem
/// detail, never a 500.
/// </summary>
public sealed class MalformedMultipartTests(MalformedMultipartTests.KestrelPortal portal) : IClassFixture<MalformedMultipartTests.KestrelPortal>
{
    private const string Boundary = "portal-test-boundary";

    [Fact]
    public async Task ABodyThatStopsArrivingBeforeItsClosingBoundaryIsAProblemDetailNotA500()
    {
        // The probe: the client announces the whole body, sends part of it and then sends nothing more.
        // Kestrel ends the read when the data rate falls below its minimum (after a grace period of a few seconds).
        var part = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + new string('x', 2000);
        var head = $"POST /api/pricing/calculate HTTP/1.1\r\nHost: {portal.Address.Authority}\r\nContent-Type: multipart/form-data; boundary={Boundary}\r\n" +
                   $"Content-Length: {part.Length + 5000}\r\nConnection: close\r\n\r\n";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(portal.Address.Host, portal.Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + part));
        await stream.FlushAsync();

        var response = await ReadUntilClosedAsync(stream);

        Assert.Matches("^HTTP/1.1 4\\d\\d ", response);
        Assert.Contains("Content-Type: application/problem+json", response, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Everything the server sends until it closes (Kestrel may reset the connection after answering a cut-off body).</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var received = new MemoryStream();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer: what arrived is the answer.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        // The probe: the body stops after a part, before the closing boundary.
        { "cut off before the closing boundary", $"--{Boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nshoes\r\n" },
        { "cut off inside a part's content", $"--{Boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff\u00e0" },
        { "cut off inside a large photo", $"--{Boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + new string('x', 300_000) },
        { "cut off after a large photo", $"--{Boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + new string('x', 300_000) + $"\r\n--{Boundary}\r\n" },
        { "cut off inside a part's headers", $"--{Boundary}\r\nContent-Disposition: form-data; na" },
        { "no boundary at all", "category=shoes&condition=good" },
        { "a part without Content-Disposition", $"--{Boundary}\r\nContent-Type: text/plain\r\n\r\nshoes\r\n--{Boundary}--\r\n" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task AMalformedMultipartBodyIsA400ProblemDetail(string trick, string body)
    {
        using var client = portal.CreateHttpClient();
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        using var response = await client.PostAsync("/api/pricing/calculate", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{trick}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task AFormWithAPhotoCutBeforeItsClosingBoundaryIsA400ProblemDetail()
    {
        // The probe: a real form (photo, category, condition) whose last 200 bytes never come.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Portal.Infrastructure.Demo.DemoSamples.ShoePhoto.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "images", "shoes.jpg" },
            { new StringContent("shoes"), "category" },
            { new StringContent("very_good"), "condition" },
        };
        var bytes = await form.ReadAsByteArrayAsync();
        using var client = portal.CreateHttpClient();
        using var content = new ByteArrayContent(bytes[..^200]);
        content.Headers.ContentType = form.Headers.ContentType;

        using var response = await client.PostAsync("/api/pricing/calculate", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AMultipartContentTypeWithoutABoundaryIsA400ProblemDetail()
    {
        using var client = portal.CreateHttpClient();
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes("--x\r\n\r\n"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");

        using var response = await client.PostAsync("/api/pricing/calculate", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The portal (Development sign-in, no demo data) listening on a loopback port.</summary>
    public sealed class KestrelPortal : IAsyncLifetime
    {
        private readonly ConfiguredPortalFactory _factory = new("Development", new Dictionary<string, string?>());

        public Uri Address { get; private set; } = null!;

        public Task InitializeAsync()
        {
            _factory.UseKestrel(0);
            _factory.StartServer();
            Address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return Task.CompletedTask;
        }

        public HttpClient CreateHttpClient() => new() { BaseAddress = Address };

        public async Task DisposeAsync() => await _factory.DisposeAsync();
    }
}
