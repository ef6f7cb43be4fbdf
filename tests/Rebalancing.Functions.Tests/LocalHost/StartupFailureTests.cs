using System.Diagnostics;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.LocalHost;

/// <summary>
/// The built local host, run as a child process with a bad setting: it says why in one line on stderr, writes no stack
/// trace anywhere, and exits non-zero.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string dataDir = Emulators.NewTempDirectory("rebalancing-startup");

    [Theory]
    [InlineData("Rebalancing:Schedule", "--Rebalancing:Schedule=nonsense")]
    [InlineData("Rebalancing:PickupSchedule", "--Rebalancing:PickupSchedule=0 2 * * *")]
    [InlineData("Rebalancing:ApiKey", "--Rebalancing:Storage=azure", "--Rebalancing:ApprovalSigningKey=s", "--Rebalancing:Azure:StorageConnectionString=UseDevelopmentStorage=true", "--Rebalancing:Azure:CosmosEndpoint=https://localhost:8081/")]
    [InlineData("Rebalancing:ApiKey", "--Rebalancing:Storage=azure")]
    [InlineData("Rebalancing:ApprovalLinkLifetime", "--Rebalancing:ApprovalLinkLifetime=soon")]
    [InlineData("Rebalancing:Storage", "--Rebalancing:Storage=cloud")]
    [InlineData("Rebalancing:PublicBaseUrl", "--Rebalancing:PublicBaseUrl=/relative")]
    public async Task Start_WithABadSetting_PrintsOneLineNamingItAndExitsNonZero(string setting, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await RunLocalHostAsync(arguments);

        Assert.NotEqual(0, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("rebalancing: cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(setting, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunLocalHostAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDir,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rebalancing.LocalHost.dll"));
        foreach (var argument in new[] { "--urls", "http://127.0.0.1:0", "--Rebalancing:DataDir=" + dataDir, "--Rebalancing:SeedDemo=false" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the local host did not stop within a minute with a bad setting: " + await stdout);
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
