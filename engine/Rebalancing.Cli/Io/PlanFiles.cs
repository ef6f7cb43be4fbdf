using System.Text;
using Rebalancing.Engine.Output;
using Rebalancing.Engine.Plans;

namespace Rebalancing.Cli.Io;

/// <summary>Writes a plan's files into a folder.</summary>
internal static class PlanFiles
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void Write(string directory, Plan plan, long elapsedMilliseconds, Progress? progress = null)
    {
        Directory.CreateDirectory(directory);

        // The determinism hash reads the whole plan and is needed only in summary.json: worked out on another core
        // while the two CSV files are written.
        var hash = Task.Run(() => plan.Hash);
        using (progress?.Step("write moves.csv", "write_moves"))
        using (var moves = new StreamWriter(Path.Combine(directory, PlanWriter.MovesFile), false, Utf8NoBom, 1 << 16))
        {
            PlanWriter.WriteMoves(moves, plan);
        }

        using (progress?.Step("write blocked.csv", "write_blocked"))
        using (var blocked = new StreamWriter(Path.Combine(directory, PlanWriter.BlockedFile), false, Utf8NoBom, 1 << 16))
        {
            PlanWriter.WriteBlocked(blocked, plan);
        }

        hash.Wait();
        using (progress?.Step("write summary.json", "write_summary"))
        using (var summary = new FileStream(Path.Combine(directory, PlanWriter.SummaryFile), FileMode.Create, FileAccess.Write))
        {
            PlanWriter.WriteSummary(summary, plan, elapsedMilliseconds);
        }
    }
}
