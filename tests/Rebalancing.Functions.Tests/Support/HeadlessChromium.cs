using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Support;

/// <summary>
/// Headless Chromium (the Debian package <c>chromium</c>) with a fresh profile, driven over the Chrome DevTools
/// protocol on a WebSocket: navigate, evaluate script, wait for text.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process process;
    private readonly string profile;
    private readonly ClientWebSocket socket = new();
    private int nextId;

    private HeadlessChromium(Process process, string profile)
    {
        this.process = process;
        this.profile = profile;
    }

    public static string? Executable() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = Executable() ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (tests/run.sh does it).");
        var profile = Emulators.NewTempDirectory("chromium-profile");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            $"--user-data-dir={profile}", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        var portFile = Path.Combine(profile, "DevToolsActivePort");
        for (var i = 0; i < 300 && !File.Exists(portFile); i++)
        {
            await Task.Delay(100);
        }

        var port = (await File.ReadAllLinesAsync(portFile))[0];
        using var http = new HttpClient();
        using var created = await http.PutAsync(new Uri($"http://127.0.0.1:{port}/json/new?about:blank"), null);
        var target = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        await browser.socket.ConnectAsync(new Uri(target["webSocketDebuggerUrl"]!.GetValue<string>()), CancellationToken.None);
        await browser.SendAsync("Page.enable", new JsonObject());
        return browser;
    }

    public Task NavigateAsync(Uri url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });

    /// <summary>Evaluates an expression in the page; its value as a string.</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        return result["result"]?["value"]?.ToString() ?? "";
    }

    /// <summary>Waits (up to a minute) until the page's text contains <paramref name="text"/>; returns the text.</summary>
    public async Task<string> WaitForTextAsync(string text)
    {
        var body = "";
        for (var i = 0; i < 600; i++)
        {
            body = await EvaluateAsync("document.body ? document.body.innerText : ''");
            if (body.Contains(text, StringComparison.Ordinal))
            {
                return body;
            }

            await Task.Delay(100);
        }

        return body;
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1 << 20];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                text.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var reply = JsonNode.Parse(text.ToArray())!;
            if (reply["id"]?.GetValue<int>() == id)
            {
                return reply["error"] is { } error ? throw new InvalidOperationException(error.ToJsonString()) : reply["result"]!;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        socket.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
