namespace Rebalancing.Cli.Commands;

/// <summary>Exit codes (plan-output.md).</summary>
internal static class ExitCodes
{
    /// <summary>A plan was written (or the input is valid).</summary>
    public const int Success = 0;

    /// <summary>Anything else went wrong.</summary>
    public const int Failure = 1;

    /// <summary>The snapshot or the policy is invalid; every problem was printed to standard error.</summary>
    public const int InvalidInput = 2;
}
