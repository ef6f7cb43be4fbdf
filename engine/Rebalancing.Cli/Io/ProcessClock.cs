using System.Diagnostics;

namespace Rebalancing.Cli.Io;

/// <summary>Time since the operating system started this process: runtime start, JIT of the entry path, argument parsing.</summary>
internal static class ProcessClock
{
    public static TimeSpan SinceStart()
    {
        var now = DateTime.Now;
        using var process = Process.GetCurrentProcess();
        var elapsed = now - process.StartTime;
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }
}
