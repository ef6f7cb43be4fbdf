using System.Collections.Concurrent;
using System.Net;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Support;

/// <summary>A request the loopback server received.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string? ContentType, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>An HTTP listener on 127.0.0.1 that records requests and answers with what <see cref="Respond"/> says (200 by default).</summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();

    public LoopbackHttpServer()
    {
        Port = EmulatorProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}/{path.TrimStart('/')}");

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Answers a request: status and body.</summary>
    public Func<ReceivedRequest, (int Status, byte[] Body)> Respond { get; set; } = _ => (200, []);

    private async Task LoopAsync()
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

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray());
            Received.Enqueue(request);
            var (status, answer) = Respond(request);
            context.Response.StatusCode = status;
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        stop.Dispose();
    }
}
