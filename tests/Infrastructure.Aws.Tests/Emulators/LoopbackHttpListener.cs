using System.Net;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>An <see cref="HttpListener"/> on a free 127.0.0.1 port, and its accept loop: what every loopback emulator starts with.</summary>
public static class LoopbackHttpListener
{
    /// <summary>Starts a listener; another process may take the probed port before <c>Start</c>, so a few ports are tried.</summary>
    public static (HttpListener Listener, int Port) Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = EmulatorProcess.FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Serves each request on the thread pool until <paramref name="stop"/> is cancelled or the listener is closed.</summary>
    public static async Task AcceptAsync(HttpListener listener, CancellationToken stop, Func<HttpListenerContext, Task> serve)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => serve(context));
        }
    }
}
