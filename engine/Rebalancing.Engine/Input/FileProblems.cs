using System.Globalization;

namespace Rebalancing.Engine.Input;

/// <summary>Collects the problems of one file, capped so a broken million-row file stays readable.</summary>
internal sealed class FileProblems
{
    internal const int MaxReportedPerFile = 100;
    private readonly List<InputProblem> sink;
    private int suppressed;
    private int suppressedErrors;

    public FileProblems(string file, List<InputProblem> sink)
    {
        File = file;
        this.sink = sink;
    }

    public string File { get; }

    public int ErrorCount { get; private set; }

    public int WarningCount { get; private set; }

    public void Error(int? line, string message)
    {
        ErrorCount++;
        Add(new InputProblem(File, line, message));
    }

    public void Warning(int? line, string message)
    {
        WarningCount++;
        Add(new InputProblem(File, line, message, ProblemSeverity.Warning));
    }

    /// <summary>Adds a closing line that says how many problems were not listed.</summary>
    public void Close()
    {
        if (suppressed > 0)
        {
            // Only warnings left unlisted must not turn the file into an error.
            var severity = suppressedErrors > 0 ? ProblemSeverity.Error : ProblemSeverity.Warning;
            sink.Add(new InputProblem(File, null, string.Create(CultureInfo.InvariantCulture, $"{suppressed} more problems not listed (the first {MaxReportedPerFile} are shown)"), severity));
        }
    }

    private void Add(InputProblem problem)
    {
        if (ErrorCount + WarningCount > MaxReportedPerFile)
        {
            suppressed++;
            if (problem.Severity == ProblemSeverity.Error)
            {
                suppressedErrors++;
            }

            return;
        }

        sink.Add(problem);
    }
}
