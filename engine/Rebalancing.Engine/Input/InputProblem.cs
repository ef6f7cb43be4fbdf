using System.Globalization;

namespace Rebalancing.Engine.Input;

/// <summary>How serious a problem in the input is.</summary>
public enum ProblemSeverity
{
    /// <summary>Planning goes on (an unknown column, a store with no inventory rows).</summary>
    Warning,

    /// <summary>Nothing is planned from the snapshot.</summary>
    Error,
}

/// <summary>One problem found in a snapshot file.</summary>
/// <param name="File">The file name, e.g. <c>inventory.csv</c>.</param>
/// <param name="Line">1-based line (1 is the header), or <see langword="null"/> for a whole-file problem.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Severity">Error or warning.</param>
public sealed record InputProblem(string File, int? Line, string Message, ProblemSeverity Severity = ProblemSeverity.Error)
{
    /// <summary>Formats the problem as <c>FILE:LINE: message</c> (or <c>FILE: message</c>); warnings say so.</summary>
    /// <returns>The formatted problem.</returns>
    public override string ToString()
    {
        var where = Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"{File}:{line}") : File;
        return Severity == ProblemSeverity.Warning ? $"{where}: warning: {Message}" : $"{where}: {Message}";
    }
}
