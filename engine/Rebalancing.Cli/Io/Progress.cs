using System.Diagnostics;
using System.Globalization;
using Rebalancing.Engine.Planning;

namespace Rebalancing.Cli.Io;

/// <summary>
/// Progress on standard error for long work: a line for each step (load, each pass, write) that took longer than a
/// moment, and only when standard error is a terminal and --quiet was not given, so redirected output stays clean.
/// </summary>
internal sealed class Progress : IProgress<PlanStage>
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(500);
    private readonly TextWriter error;
    private readonly bool enabled;
    private readonly Stopwatch stageClock = new();

    public Progress(TextWriter error, bool enabled)
    {
        this.error = error;
        this.enabled = enabled;
    }

    public static Progress For(bool quiet) => new(Console.Error, !quiet && !Console.IsErrorRedirected);

    public IDisposable Step(string name) => new StepScope(this, name);

    /// <summary>Starts timing the engine's stages (call just before planning).</summary>
    public void StartStages() => stageClock.Restart();

    public void Report(PlanStage value)
    {
        var name = value switch
        {
            PlanStage.WarehousePush => "pass 1 (warehouse to store)",
            PlanStage.StoreTransfersWithin => "pass 2 within clusters",
            PlanStage.StoreTransfersAcross => "pass 2 across clusters",
            PlanStage.Consolidation => "pass 3 (consolidation)",
            _ => "reasons, bound and hash",
        };
        Write(name, stageClock.Elapsed);
        stageClock.Restart();
    }

    private void Write(string name, TimeSpan elapsed)
    {
        if (enabled && elapsed >= Threshold)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {elapsed.TotalSeconds:0.0} s"));
        }
    }

    private sealed class StepScope(Progress progress, string name) : IDisposable
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public void Dispose() => progress.Write(name, clock.Elapsed);
    }
}
