using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rebalancing.Engine.Planning;

namespace Rebalancing.Cli.Io;

/// <summary>
/// Progress on standard error for long work: a line for each step (load, each pass, write) that took longer than a
/// moment, and only when standard error is a terminal and --quiet was not given, so redirected output stays clean.
/// With <c>--timings</c> every step is also recorded, and <see cref="WriteTimings"/> prints them as one line.
/// </summary>
internal sealed class Progress : IProgress<PlanStage>
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(500);
    private readonly TextWriter error;
    private readonly bool enabled;
    private readonly List<(string Key, TimeSpan Elapsed)>? timings;
    private readonly Stopwatch stageClock = new();

    public Progress(TextWriter error, bool enabled, bool recordTimings = false)
    {
        this.error = error;
        this.enabled = enabled;
        timings = recordTimings ? [] : null;
    }

    public static Progress For(bool quiet, bool recordTimings = false) =>
        new(Console.Error, !quiet && !Console.IsErrorRedirected, recordTimings);

    /// <summary>Times a step; <paramref name="key"/> names it in the timings line.</summary>
    public IDisposable Step(string name, string key) => new StepScope(this, name, key);

    /// <summary>Records a duration measured elsewhere (e.g. process start to the command) in the timings line.</summary>
    public void Record(string key, TimeSpan elapsed) => timings?.Add((key, elapsed));

    /// <summary>Starts timing the engine's stages (call just before planning).</summary>
    public void StartStages() => stageClock.Restart();

    public void Report(PlanStage value)
    {
        var (name, key) = value switch
        {
            PlanStage.WarehousePush => ("pass 1 (warehouse to store)", "pass1"),
            PlanStage.StoreTransfersWithin => ("pass 2 within clusters", "pass2_within"),
            PlanStage.StoreTransfersAcross => ("pass 2 across clusters", "pass2_across"),
            PlanStage.Consolidation => ("pass 3 (consolidation)", "pass3"),
            PlanStage.Attribution => ("move rows and their rule checks", "attribution"),
            _ => ("reasons, bound and hash", "assembly"),
        };
        Write(name, key, stageClock.Elapsed);
        stageClock.Restart();
    }

    /// <summary>
    /// Prints the recorded steps as one line, <c>timings: KEY=MS KEY=MS ...</c> (milliseconds, one decimal), when
    /// timings were asked for: on standard error even when it is redirected or --quiet was given, since asking for
    /// them is explicit.
    /// </summary>
    public void WriteTimings(TimeSpan total)
    {
        if (timings is null)
        {
            return;
        }

        var line = new StringBuilder("timings:");
        foreach (var (key, elapsed) in timings.Append(("total", total)))
        {
            line.Append(CultureInfo.InvariantCulture, $" {key}={elapsed.TotalMilliseconds:0.0}");
        }

        error.WriteLine(line.ToString());
    }

    private void Write(string name, string key, TimeSpan elapsed)
    {
        timings?.Add((key, elapsed));
        if (enabled && elapsed >= Threshold)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {elapsed.TotalSeconds:0.0} s"));
        }
    }

    private sealed class StepScope(Progress progress, string name, string key) : IDisposable
    {
        private readonly long start = Stopwatch.GetTimestamp();

        public void Dispose() => progress.Write(name, key, Stopwatch.GetElapsedTime(start));
    }
}
