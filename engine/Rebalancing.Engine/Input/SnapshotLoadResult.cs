using System.Collections.Immutable;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

/// <summary>The outcome of loading a snapshot: the snapshot, or the errors that stop planning; warnings either way.</summary>
public sealed class SnapshotLoadResult
{
    internal SnapshotLoadResult(Snapshot? snapshot, ImmutableArray<InputProblem> problems)
    {
        Snapshot = snapshot;
        Problems = problems;
    }

    /// <summary>The snapshot, or <see langword="null"/> when any error was found.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Every problem found, errors and warnings, in file order.</summary>
    public ImmutableArray<InputProblem> Problems { get; }

    /// <summary>True when a snapshot was loaded (there may still be warnings).</summary>
    public bool IsValid => Snapshot is not null;

    /// <summary>The errors only.</summary>
    public IEnumerable<InputProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);

    /// <summary>The warnings only.</summary>
    public IEnumerable<InputProblem> Warnings => Problems.Where(p => p.Severity == ProblemSeverity.Warning);
}
