using System.Diagnostics;
using System.Globalization;

namespace Rebalancing.Cli.Io;

/// <summary>
/// Progress on standard error for long work: one line per step that took longer than a moment, and only when
/// standard error is a terminal and --quiet was not given, so redirected output stays clean.
/// </summary>
internal sealed class Progress(TextWriter error, bool enabled)
{
    private readonly TextWriter error = error;
    private readonly bool enabled = enabled;

    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(500);

    public static Progress For(bool quiet) => new(Console.Error, !quiet && !Console.IsErrorRedirected);

    public IDisposable Step(string name) => new StepScope(this, name);

    private sealed class StepScope(Progress progress, string name) : IDisposable
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public void Dispose()
        {
            if (progress.enabled && clock.Elapsed >= Threshold)
            {
                progress.error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {clock.Elapsed.TotalSeconds:0.0} s"));
            }
        }
    }
}
