namespace Rebalancing.Engine.Policies;

/// <summary>One reason a policy document is invalid.</summary>
/// <param name="Path">
/// The dotted JSON path of the offending value without <c>$</c>, array indexes in brackets
/// (<c>pass1.min_push_units</c>, <c>overrides[2].set.pass2.max_transfer_units</c>), or
/// <c>(root)</c> for the document itself.
/// </param>
/// <param name="Message">What is wrong, e.g. <c>must be at least 0, got -1</c>.</param>
public sealed record PolicyProblem(string Path, string Message)
{
    /// <summary>The path that names the document itself.</summary>
    public const string RootPath = "(root)";

    /// <summary>The problem as the command line prints it: <c>policy: PATH: MESSAGE</c>.</summary>
    /// <returns>The formatted problem.</returns>
    public override string ToString() => $"policy: {Path}: {Message}";
}
