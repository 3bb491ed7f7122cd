using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Infrastructure.Tests.Alerts;

/// <summary>A real HTTP listener on loopback that records each POST body and answers with a chosen status.</summary>
internal sealed class LoopbackWebhook : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LoopbackWebhook(HttpStatusCode status = HttpStatusCode.NoContent)
    {
        Status = status;
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hooks/alerts-token/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public HttpStatusCode Status { get; }

    public List<(string ContentType, string Body)> Requests { get; } = [];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (Requests)
            {
                Requests.Add((context.Request.ContentType ?? string.Empty, body));
            }

            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
