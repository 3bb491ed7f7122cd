using System.Net;
using System.Net.Sockets;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>A real HTTP server on 127.0.0.1 whose routes answer like image hosts do: photos, pages, errors, slow or endless bodies.</summary>
internal sealed class LoopbackImageHost : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Func<HttpListenerResponse, Task>> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackImageHost()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public int Requests;

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    public void Map(string path, Func<HttpListenerResponse, Task> respond) => _routes["/" + path.TrimStart('/')] = respond;

    public void MapBytes(string path, byte[] body, string contentType, HttpStatusCode status = HttpStatusCode.OK) => Map(path, async response =>
    {
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    });

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

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
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }

            Interlocked.Increment(ref Requests);
            _ = Task.Run(async () =>
            {
                try
                {
                    if (_routes.TryGetValue(context.Request.Url!.AbsolutePath, out var respond))
                    {
                        await respond(context.Response);
                    }
                    else
                    {
                        context.Response.StatusCode = 404;
                    }

                    context.Response.Close();
                }
                catch (Exception)
                {
                    // The client gave up (a timeout or a size limit under test); nothing to clean up.
                    context.Response.Abort();
                }
            });
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
