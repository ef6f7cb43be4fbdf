using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Durability;

/// <summary>The built local host run as a child process, as the README's command runs it: it can be killed (-9) and started again.</summary>
internal sealed class LocalHostProcess : IDisposable
{
    public const string ApiKey = "durability-key";
    private readonly Process process;
    private readonly StringBuilder output = new();

    private LocalHostProcess(Process process, Uri baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUrl { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<LocalHostProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> settings)
    {
        var port = EmulatorProcess.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rebalancing.LocalHost.dll"));
        start.ArgumentList.Add("--urls=http://127.0.0.1:" + port);
        start.ArgumentList.Add("--environment=Testing");
        start.ArgumentList.Add("--contentRoot=" + dataDir);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["Rebalancing:DataDir"] = dataDir,
                     ["Rebalancing:ApiKey"] = ApiKey,
                     ["Rebalancing:ApprovalSigningKey"] = "durability-signing-key",
                     ["Rebalancing:SeedDemo"] = "false",
                 }.Concat(settings))
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var host = new LocalHostProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                using var health = await host.Client.GetAsync(new Uri("api/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(!host.process.HasExited && DateTime.UtcNow < deadline, "the local host did not start:\n" + host.Output);
            await Task.Delay(250);
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task UploadAsync(string orgId, byte[] bundle)
    {
        using var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await Client.PostAsync(new Uri($"api/orgs/{orgId}/snapshots", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the run until its status is one of <paramref name="statuses"/>; returns the run.</summary>
    public async Task<JsonElement> WaitForAsync(string runId, params string[] statuses)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var run = await GetJsonAsync("api/rebalances/" + runId);
            if (statuses.Contains(run.GetProperty("status").GetString()))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run {runId} is {run.GetProperty("status")}, not {string.Join("/", statuses)}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Kills the process at once (no shutdown: what a crash or kill -9 does).</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        process.Dispose();
        Client.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
