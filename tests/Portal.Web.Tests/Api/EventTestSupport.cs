using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Embedded;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Hosting;
using Portal.Core.Sync;

namespace Portal.Web.Tests.Api;

/// <summary>Event JSON, posting helpers, lake counting and a loopback image host for the <c>/api/events</c> tests.</summary>
internal static class EventTestSupport
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string Example(string detailType) => File.ReadAllText(Path.Combine(RepoRoot, "docs", "events", "examples", detailType + ".json"));

    public static JsonObject Listed(string productId, string tenant = "demo", string? eventId = null) => Node($$"""
        {"version":"0","id":"{{eventId ?? "l-" + productId}}","detail-type":"product.listed","source":"carousel.products","time":"{{Stamp(DateTimeOffset.UtcNow.AddMinutes(-2))}}",
         "detail":{"tenantId":"{{tenant}}","productId":"{{productId}}","category":"shoes","brand":"Nordvik","condition":"very_good",
                   "title":"Trail shoes","askingPrice":40,"currency":"EUR"} }
        """);

    public static JsonObject Sold(string productId, string tenant = "demo", string? eventId = null) => Node($$"""
        {"version":"0","id":"{{eventId ?? "s-" + productId}}","detail-type":"product.sold","source":"carousel.products","time":"{{Stamp(DateTimeOffset.UtcNow.AddMinutes(-1))}}",
         "detail":{"tenantId":"{{tenant}}","productId":"{{productId}}","saleId":"sale-{{productId}}","category":"shoes","brand":"Nordvik",
                   "condition":"very_good","soldPrice":35.5,"currency":"EUR","soldAt":"{{Stamp(DateTimeOffset.UtcNow.AddMinutes(-1))}}"} }
        """);

    public static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        var response = await client.PostAsync("/api/events", content);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public static async Task DrainLakeAsync(IServiceProvider services) =>
        await services.GetRequiredService<LakeWriter>().DrainAsync(force: true, CancellationToken.None);

    /// <summary>Lake rows whose sale id starts with <paramref name="prefix"/>.</summary>
    public static async Task<long> LakeRowsAsync(IServiceProvider services, string prefix)
    {
        var table = Path.Combine(services.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value.LakeDirectory, ParquetSalesLake.TableFolder);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM read_parquet('{table}/**/*.parquet') WHERE starts_with(sale_id, $prefix)";
        command.Parameters.Add(new DuckDBParameter("prefix", prefix));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static JsonObject Node(string json) => JsonNode.Parse(json)!.AsObject();
}

/// <summary>A tiny HTTP server on a loopback port for image URLs: a web page instead of a photo, and a photo too large to accept.</summary>
internal sealed class LoopbackFileHost : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public LoopbackFileHost()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private static async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/page.jpg":
                    var html = Encoding.UTF8.GetBytes("<html><body>not a photo</body></html>");
                    response.ContentType = "text/html";
                    response.ContentLength64 = html.Length;
                    await response.OutputStream.WriteAsync(html);
                    break;
                case "/huge.jpg":
                    // 40 MB announced up front, streamed slowly: the resolver must refuse it from the header, not download it.
                    response.ContentType = "image/jpeg";
                    response.ContentLength64 = 40L * 1024 * 1024;
                    var chunk = new byte[64 * 1024];
                    for (var i = 0; i < 640; i++)
                    {
                        await response.OutputStream.WriteAsync(chunk);
                    }

                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }

            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client hung up early, as it should for the huge file.
            response.Abort();
        }
    }
}
